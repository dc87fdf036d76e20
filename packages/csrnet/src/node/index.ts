/**
 * `@crowd/csrnet/node`: Node-only parts (file system, optional native and
 * wasm backends). Importing it has no side effects.
 */
export { fileSystemHandler, registerFileSystemRouter, MODEL_JSON, WEIGHTS_BIN } from './file-system-handler.js';
export { readNeutralWeightsFile } from './neutral-weights-file.js';
export { loadCsrnetFile, type LoadedCsrnet } from './load-csrnet-file.js';
export { nodeBackendCandidates, selectBackend, TENSORFLOW_MODULES, WASM_MODULE } from './select-backend.js';
