import { expect, test } from 'vitest';
import { contentSecurityPolicy, headersFile, securityHeaders } from './security-headers.ts';

const origins = ['https://github.com', 'https://models.example.org'];

test("the CSP: only this origin by default, wasm but no eval, and fetch only to 'self' and the model origins", () => {
  expect(contentSecurityPolicy({ modelOrigins: origins })).toBe(
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self' https://github.com https://models.example.org; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'",
  );
  const dev = contentSecurityPolicy({ modelOrigins: origins, dev: true });
  expect(dev).toContain("style-src 'self' 'unsafe-inline'");
  for (const csp of [contentSecurityPolicy({ modelOrigins: origins }), dev]) expect(csp).not.toMatch(/'unsafe-eval'|\*/);
});

test('cross-origin isolation (COOP same-origin, COEP require-corp) and a _headers file with every header for every path', () => {
  const headers = securityHeaders({ modelOrigins: origins });
  expect(headers).toMatchObject({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Referrer-Policy': 'no-referrer' });
  const file = headersFile(headers).split('\n');
  expect(file[0]).toBe('/*');
  expect(file).toContain(`  Content-Security-Policy: ${headers['Content-Security-Policy']}`);
  expect(file).toContain('  Cross-Origin-Embedder-Policy: require-corp');
  expect(file).toHaveLength(Object.keys(headers).length + 2);
});
