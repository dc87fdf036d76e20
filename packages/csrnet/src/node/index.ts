/**
 * `@crowd/csrnet/node`: Node-only parts (file system, optional native and
 * wasm backends). Importing it has no side effects.
 */
export { fileSystemHandler, registerFileSystemRouter, MODEL_JSON, WEIGHTS_BIN, type FileSystemHandlerOptions } from './file-system-handler.js';
export { readNeutralWeightsFile } from './neutral-weights-file.js';
export { loadCsrnetFile, type LoadCsrnetFileOptions, type LoadedCsrnet } from './load-csrnet-file.js';
export { nodeBackendCandidates, selectBackend, TENSORFLOW_MODULES, WASM_MODULE } from './select-backend.js';
export { loadWebgpuBackend, webgpuDeviceInfo, WEBGPU_BACKEND_MODULE, WEBGPU_MODULE, WEBGPU_REQUESTED_LIMITS, type LoadWebgpuOptions } from './webgpu-backend.js';
export { describeAdapter, isSoftwareAdapter, type WebgpuAdapterInfo, type WebgpuDeviceInfo } from './webgpu-adapter.js';
