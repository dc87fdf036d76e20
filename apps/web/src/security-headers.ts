/**
 * The HTTP headers every response of the app carries, in `vite` (dev),
 * `vite preview` and, through the `_headers` file the build writes, on
 * static hosts. They make the privacy promise hold by construction: the
 * Content-Security-Policy lets the page (and any script injected into it)
 * connect only to its own origin and the model origins fixed at build time,
 * so a photo or frame cannot be posted anywhere else; the cross-origin
 * isolation headers let onnxruntime-web run wasm on several threads.
 */
export interface SecurityHeaderOptions {
  /** Origins models may be fetched from, besides the page's own (see model-origins.ts). */
  modelOrigins: readonly string[];
  /**
   * The dev server: Vite injects CSS as `<style>` elements there, so
   * `style-src` also allows inline styles. Builds never need it.
   * @default false
   */
  dev?: boolean;
}

/** The Content-Security-Policy, one directive per entry. */
export function contentSecurityPolicy({ modelOrigins, dev = false }: SecurityHeaderOptions): string {
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval' compiles WebAssembly (onnxruntime-web, tfjs's wasm backend); plain 'unsafe-eval' (eval, new Function) stays forbidden.
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    // Where fetch() may go: the page's origin and the model origins, nowhere else.
    `connect-src ${["'self'", ...modelOrigins].join(' ')}`,
    // data: for the empty favicon in index.html.
    "img-src 'self' data:",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * All headers, by name. COEP is `require-corp` rather than `credentialless`:
 * the app loads no cross-origin subresource at all (model downloads are
 * CORS fetches, which COEP does not restrict), so the stricter policy costs
 * nothing, and unlike `credentialless` every browser with cross-origin
 * isolation supports it (Safari included).
 */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Model downloads do not tell the model host which page asked.
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Permissions-Policy': 'camera=(self), microphone=(), geolocation=()',
  };
}

/** The headers as a `_headers` file (Netlify, Cloudflare Pages and compatible static hosts): every path gets them. */
export function headersFile(headers: Record<string, string>): string {
  return ['/*', ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`), ''].join('\n');
}
