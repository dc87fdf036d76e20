import { fileURLToPath } from 'node:url';
import { runReadmeExample } from '@crowd/test-utils';
import { expect, it } from 'vitest';

it('README example prints what the README says', async () => {
  const r = await runReadmeExample(fileURLToPath(new URL('../README.md', import.meta.url)));
  expect(r.output).toEqual(r.expectedOutput);
});
