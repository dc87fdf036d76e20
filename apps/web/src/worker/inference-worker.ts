/// <reference lib="webworker" />
import { selectBackend } from '@crowd/csrnet/browser';
import type { CountResult, EngineRequest, EngineResponse } from '../protocol.ts';
import { Engine } from './engine.ts';
import { serializeError } from './serialize-error.ts';
import { loadWasmBackend } from './wasm-backend.ts';

/** The inference worker: runs the Engine and answers the page's calls. */
const engine = new Engine((choice) => selectBackend(choice, { loadWasm: loadWasmBackend }));
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
