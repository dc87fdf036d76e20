import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The Vulkan driver manifests (ICD JSON files) the Linux Vulkan loader would
 * consider: the files in `VK_DRIVER_FILES` or `VK_ICD_FILENAMES` when set,
 * else every `*.json` in the loader's `vulkan/icd.d` folders (XDG config
 * dirs, /etc, XDG data home and dirs) plus `VK_ADD_DRIVER_FILES`. An empty
 * list means Dawn can find no Vulkan adapter, so `auto` need not load Dawn
 * (which would print Vulkan warnings on every CPU-only machine).
 */
export function vulkanDriverManifests(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (value: string | undefined): string[] => (value ?? '').split(':').filter((p) => p !== '');
  const explicit = list(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  if (explicit.length > 0) return explicit.filter((f) => existsSync(f));
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  const folders = [
    ...list(env.XDG_CONFIG_DIRS || '/etc/xdg'),
    '/etc',
    dataHome,
    ...list(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share'),
  ].map((dir) => join(dir, 'vulkan', 'icd.d'));
  const found = folders.flatMap((dir) => {
    try {
      return readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .map((name) => join(dir, name));
    } catch {
      return [];
    }
  });
  return [...found, ...list(env.VK_ADD_DRIVER_FILES).filter((f) => existsSync(f))];
}
