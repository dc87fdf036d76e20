/**
 * Origins besides the page's own that models may be fetched from: fixed when
 * the app is built or served (vite.config.ts `define`, from model-origins.ts
 * and `CROWD_MODEL_ORIGINS`), the same list as the CSP's `connect-src`.
 */
declare const __CROWD_MODEL_ORIGINS__: readonly string[];
