import type { EngineApi, EngineMethod, EngineRequest, EngineResponse, SerializedError } from './protocol.ts';

type Pending = { resolve(value: unknown): void; reject(error: Error): void };

/** An Error rebuilt on the page from the worker's `{ name, message, code }`. */
export class WorkerError extends Error {
  readonly code: string | undefined;
  constructor(error: SerializedError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
  }
}

/**
 * The page's handle on the inference worker: each `EngineApi` method becomes
 * a message, answered by id. Pixel buffers go over as transfers (no copy),
 * so a frame's `pixels` are unusable on the page after `count`.
 */
export class InferenceClient implements EngineApi {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private crashed: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<EngineResponse>) => {
      const response = event.data;
      const pending = this.pending.get(response.id);
      if (pending === undefined) return;
      this.pending.delete(response.id);
      if (response.ok) pending.resolve(response.value);
      else pending.reject(new WorkerError(response.error));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(new Error(`The inference worker stopped: ${event.message || 'it could not be started'}`));
    };
    worker.onmessageerror = () => this.fail(new Error('A message from the inference worker could not be read.'));
  }

  private fail(error: Error): void {
    this.crashed = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private call<M extends EngineMethod>(method: M, args: Parameters<EngineApi[M]>, transfer: Transferable[] = []): ReturnType<EngineApi[M]> {
    const promise = new Promise<unknown>((resolve, reject) => {
      if (this.crashed) return reject(this.crashed);
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      const request: EngineRequest<M> = { id, method, args };
      this.worker.postMessage(request, transfer);
    });
    return promise as ReturnType<EngineApi[M]>;
  }

  setEngine(...args: Parameters<EngineApi['setEngine']>) {
    return this.call('setEngine', args);
  }
  loadModel(...args: Parameters<EngineApi['loadModel']>) {
    return this.call('loadModel', args);
  }
  unloadModel(...args: Parameters<EngineApi['unloadModel']>) {
    return this.call('unloadModel', args);
  }
  count(...args: Parameters<EngineApi['count']>) {
    return this.call('count', args, [args[1].pixels.buffer as ArrayBuffer]);
  }
  hasSavedModel() {
    return this.call('hasSavedModel', []);
  }
  forgetSavedModel() {
    return this.call('forgetSavedModel', []);
  }
  memory() {
    return this.call('memory', []);
  }
}

/** Starts the worker (vite bundles it as its own ES module chunk). */
export function startInferenceWorker(): InferenceClient {
  return new InferenceClient(new Worker(new URL('./worker/inference-worker.ts', import.meta.url), { type: 'module', name: 'crowd-inference' }));
}
