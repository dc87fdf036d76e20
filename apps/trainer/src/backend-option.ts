import { Option } from 'commander';
import type { BackendName } from '@crowd/csrnet';

export type BackendFlag = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

/** `--backend`, shared by every command that runs the model. */
export function backendOption(): Option {
  return new Option(
    '--backend <name>',
    'tfjs backend: auto tries tensorflow (tfjs-node-gpu, tfjs-node), then webgpu on a hardware GPU (npm i webgpu @tensorflow/tfjs-backend-webgpu; Vulkan), then wasm, then cpu. ' +
      'webgpu also runs on a software Vulkan driver such as lavapipe, far slower than wasm',
  )
    .choices(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'])
    .default('auto');
}

/**
 * Activates the requested backend and returns its name. Naming one that cannot
 * load throws a CsrnetError that lists what was tried and why each failed.
 */
export async function useBackend(flag: BackendFlag): Promise<BackendName> {
  // Loaded on use: tfjs takes half a second to import, which `crowd --help` should not pay.
  const { selectBackend } = await import('@crowd/csrnet/node');
  return (await selectBackend(flag)).name;
}
