import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, serveFiles } from '@crowd/test-utils';
import { expect, test } from 'vitest';
import { resolveWeights } from './resolve-weights.ts';

test('a file wins; a registry id (or nothing: the default) is fetched into the cache; a bare unknown name is MODEL_UNKNOWN; a missing path is passed on', async () => {
  const checkpoint = fixture('csrnet', 'formats', 'lwcc.pth');
  const server = await serveFiles({ '/CSRNet_SHA.pth': new Uint8Array(readFileSync(checkpoint)), '/CSRNet_SHB.pth': new Uint8Array(readFileSync(checkpoint)) });
  const cacheDir = join(mkdtempSync(join(tmpdir(), 'crowd-weights-')), 'models');
  try {
    expect(await resolveWeights(checkpoint)).toEqual({ path: checkpoint });
    const byDefault = await resolveWeights(undefined, { cacheDir, mirror: server.url });
    expect(byDefault).toMatchObject({ path: join(cacheDir, 'csrnet-sha-lwcc', 'CSRNet_SHA.pth'), status: 'downloaded', model: { id: 'csrnet-sha-lwcc' } });
    expect(await resolveWeights('csrnet-sha-lwcc', { cacheDir, mirror: server.url })).toMatchObject({ status: 'cached' });
    expect(await resolveWeights('csrnet-shb-lwcc', { cacheDir, mirror: server.url })).toMatchObject({ path: join(cacheDir, 'csrnet-shb-lwcc', 'CSRNet_SHB.pth') });
    expect(server.requests.map((r) => r.path)).toEqual(['/CSRNet_SHA.pth', '/CSRNet_SHB.pth']);
    await expect(resolveWeights('csrnet-sha')).rejects.toThrow(
      '"csrnet-sha" is neither a file nor a registry model (known: csrnet-sha-lwcc, csrnet-shb-lwcc, csrnet-sha-reference, csrnet-shb-reference; crowd models list)',
    );
    expect(await resolveWeights('/nonexistent/model_best.pth.tar')).toEqual({ path: '/nonexistent/model_best.pth.tar' });
  } finally {
    await server.close();
  }
});
