import { existsSync } from 'node:fs';

/** Where `tools/ci/install-lavapipe.sh` unpacks Mesa's lavapipe (software Vulkan). */
export const LAVAPIPE_DIR = '/opt/crowd-lavapipe';

/** The Vulkan ICD manifest that points the loader at lavapipe. */
export const LAVAPIPE_ICD = `${LAVAPIPE_DIR}/lvp_icd.json`;

/**
 * The environment that makes the Vulkan loader see lavapipe and nothing
 * else (a machine's own GPU drivers included, so results do not depend on
 * the machine). `VK_DRIVER_FILES` is the loader's current name,
 * `VK_ICD_FILENAMES` the older one. The loader reads them when Dawn creates
 * its instance, so setting them on `process.env` before the first
 * `loadWebgpuBackend()` is enough; no `LD_LIBRARY_PATH` is needed (see the
 * script).
 */
export const LAVAPIPE_ENV: Readonly<Record<string, string>> = Object.freeze({ VK_DRIVER_FILES: LAVAPIPE_ICD, VK_ICD_FILENAMES: LAVAPIPE_ICD });

/** Fails with the fix when lavapipe is not installed; otherwise returns {@link LAVAPIPE_ENV}. */
export function requireLavapipe(): Readonly<Record<string, string>> {
  if (!existsSync(LAVAPIPE_ICD)) {
    throw new Error(`${LAVAPIPE_ICD} is missing: the webgpu tests run on Mesa's lavapipe (software Vulkan). Install it with: sudo bash tools/ci/install-lavapipe.sh`);
  }
  return LAVAPIPE_ENV;
}
