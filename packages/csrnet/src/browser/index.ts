/** `@crowd/csrnet/browser`: browser-only helpers. */
export { browserBackendCandidates, selectBackend, type BrowserBackendOptions } from './select-backend.js';
