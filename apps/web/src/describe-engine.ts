import type { EngineInfo } from './protocol.ts';

/**
 * The engine line under the controls, e.g. `using onnxruntime-web (wasm), 2
 * threads, cross-origin isolated — ort-webgpu unavailable: …`: what runs,
 * on how many threads or which device, and why any engine tried first could
 * not start.
 */
export function describeEngine(info: EngineInfo): string {
  const details = [
    info.threads === undefined ? undefined : `${info.threads} thread${info.threads === 1 ? '' : 's'}`,
    info.device,
    info.threads === undefined ? undefined : info.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated',
  ].filter(Boolean);
  const fallback = info.tried.map((t) => `${t.engine} unavailable: ${t.error}`).join('; ');
  return `using ${info.name}${details.length > 0 ? `, ${details.join(', ')}` : ''}${fallback ? ` — ${fallback}` : ''}`;
}
