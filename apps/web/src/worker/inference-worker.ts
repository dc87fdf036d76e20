/// <reference lib="webworker" />
import type { CountResult, EngineRequest, EngineResponse } from '../protocol.ts';
import { browserRuntimes } from './browser-runtimes.ts';
import { Engine } from './engine.ts';
import { createSessionTracker } from './engines.ts';
import { indexedDbModelStore } from './saved-model-store.ts';
import { serializeError } from './serialize-error.ts';

/** The inference worker: runs the Engine and answers the page's calls. */
const sessions = createSessionTracker();
const engine = new Engine({
  runtimes: browserRuntimes(sessions.wrap),
  ortSessions: sessions.live,
  store: indexedDbModelStore,
  fetch: (url) => fetch(url),
  // The worker's own URL has the page's origin; relative model URLs are made absolute by the page.
  pageUrl: self.location.href,
  modelOrigins: __CROWD_MODEL_ORIGINS__,
  crossOriginIsolated: self.crossOriginIsolated,
});
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<EngineRequest>) => {
  const { id, method, args } = event.data;
  let response: EngineResponse;
  let transfer: Transferable[] = [];
  try {
    const value = await (engine[method] as (...a: unknown[]) => Promise<unknown>).apply(engine, args);
    if (method === 'count') transfer = [(value as CountResult).density.buffer as ArrayBuffer];
    response = { id, ok: true, value };
  } catch (error) {
    response = { id, ok: false, error: serializeError(error) };
  }
  scope.postMessage(response, transfer);
};
