import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { vulkanDriverManifests } from './vulkan-drivers.js';

const root = mkdtempSync(join(tmpdir(), 'vulkan-drivers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function manifest(...path: string[]): string {
  const file = join(root, ...path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, '{}');
  return file;
}

describe('vulkanDriverManifests', () => {
  test('an explicit list wins and keeps only files that exist', () => {
    const lvp = manifest('opt', 'lvp_icd.json');
    expect(vulkanDriverManifests({ VK_ICD_FILENAMES: `${lvp}:${join(root, 'missing.json')}` })).toEqual([lvp]);
    expect(vulkanDriverManifests({ VK_DRIVER_FILES: lvp, VK_ICD_FILENAMES: join(root, 'missing.json') })).toEqual([lvp]);
  });

  test('otherwise the loader’s icd.d folders under the XDG dirs, plus VK_ADD_DRIVER_FILES', () => {
    const nvidia = manifest('share', 'vulkan', 'icd.d', 'nvidia_icd.json');
    manifest('share', 'vulkan', 'icd.d', 'README');
    const user = manifest('home', 'vulkan', 'icd.d', 'user.json');
    const extra = manifest('extra.json');
    const env = { XDG_CONFIG_DIRS: join(root, 'none'), XDG_DATA_HOME: join(root, 'home'), XDG_DATA_DIRS: join(root, 'share'), VK_ADD_DRIVER_FILES: extra };
    const found = vulkanDriverManifests(env);
    // /etc/vulkan/icd.d is always searched as well; only this test’s own files are compared.
    expect(found.filter((f) => f.startsWith(root))).toEqual([user, nvidia, extra]);
    expect(vulkanDriverManifests({ ...env, XDG_DATA_HOME: join(root, 'none'), XDG_DATA_DIRS: join(root, 'none'), VK_ADD_DRIVER_FILES: '' }).filter((f) => f.startsWith(root))).toEqual([]);
  });
});
