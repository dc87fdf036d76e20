import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runReadmeExample } from '@crowd/test-utils';

test('README example prints what the README says', async () => {
  const r = await runReadmeExample(fileURLToPath(new URL('../README.md', import.meta.url)));
  expect(r.output).toEqual(r.expectedOutput);
});
