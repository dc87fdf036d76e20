import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const WORKER = new URL('./fuzz-worker.mjs', import.meta.url);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** An error as it crossed the worker boundary. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
}

/** How one input ended. */
export type OutcomeKind =
  | { kind: 'ok' }
  | { kind: 'expected'; message: string }
  | { kind: 'unexpected'; error: ErrorInfo }
  /** Still running after the time-out: killed. */
  | { kind: 'timeout' }
  /** Over the memory bound (resident growth, or the worker's JS heap limit): killed. */
  | { kind: 'memory'; detail: string }
  /** The worker died on its own (a native abort, an error outside `run`). */
  | { kind: 'crash'; error: ErrorInfo };

/** What one input did: how it ended, its wall time, and the most this process's resident memory rose above where it was when the input started (bytes). */
export type InputOutcome = OutcomeKind & { ms: number; rssGrowth: number };

export interface WorkerLimits {
  /** Wall time one input may take. */
  inputTimeoutMs: number;
  /** How far resident memory may grow while one input runs. */
  maxRssGrowthBytes: number;
  /** The worker's JS heap (`resourceLimits.maxOldGenerationSizeMb`). */
  maxHeapMb: number;
}

/** How often resident memory is sampled while an input runs. */
const SAMPLE_MS = 5;
const STARTUP_TIMEOUT_MS = 120_000;

/**
 * A fuzz target loaded in a worker thread, run one input at a time. The
 * worker has a JS heap limit (`resourceLimits`); since typed arrays and wasm
 * memory live outside that heap, this thread also samples the process's
 * resident memory every few milliseconds while an input runs and kills the
 * worker the moment it grows past `maxRssGrowthBytes`, as it does when the
 * input outlives `inputTimeoutMs`. A killed or crashed worker is replaced on
 * the next input.
 */
export class TargetWorker {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private nextId = 0;
  private inputsRun = 0;
  private stderr = '';

  constructor(
    readonly file: string,
    private readonly limits: WorkerLimits,
  ) {}

  /** The target's name, seeds and `inputsPerWorker`, from the worker. */
  async seeds(): Promise<{ name: string; seeds: Uint8Array[]; inputsPerWorker?: number }> {
    const worker = await this.ensure();
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type: string; name: string; seeds: Uint8Array[]; inputsPerWorker?: number }): void => {
        if (message.type !== 'seeds') return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve({ name: message.name, seeds: message.seeds, inputsPerWorker: message.inputsPerWorker });
      };
      const onError = (error: Error): void => {
        worker.off('message', onMessage);
        reject(new Error(`${this.file}: seeds() failed: ${error.message}`));
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ type: 'seeds' });
    });
  }

  /** Runs `bytes` through the target's `run`, within the limits; a fresh worker after `inputsPerWorker` inputs. */
  async run(bytes: Uint8Array, inputsPerWorker = Number.POSITIVE_INFINITY): Promise<InputOutcome> {
    if (this.worker !== undefined && this.inputsRun >= inputsPerWorker) this.discard(this.worker);
    const worker = await this.ensure();
    this.inputsRun += 1;
    const id = ++this.nextId;
    const started = performance.now();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    return new Promise((resolve) => {
      let done = false;
      const finish = (outcome: OutcomeKind): void => {
        if (done) return;
        done = true;
        clearInterval(sampler);
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        peak = Math.max(peak, process.memoryUsage.rss());
        resolve({ ...outcome, ms: performance.now() - started, rssGrowth: peak - baseline } as InputOutcome);
      };
      const kill = (): void => {
        this.discard(worker);
      };
      const sampler = setInterval(() => {
        const rss = process.memoryUsage.rss();
        peak = Math.max(peak, rss);
        if (rss - baseline > this.limits.maxRssGrowthBytes) {
          kill();
          finish({ kind: 'memory', detail: `resident memory grew by ${mib(rss - baseline)} MiB, over the ${mib(this.limits.maxRssGrowthBytes)} MiB bound` });
        }
      }, SAMPLE_MS);
      const timer = setTimeout(() => {
        kill();
        finish({ kind: 'timeout' });
      }, this.limits.inputTimeoutMs);
      const onMessage = (message: { type: string; id: number; outcome: OutcomeKind }): void => {
        if (message.type === 'result' && message.id === id) finish(message.outcome);
      };
      const onError = (error: Error & { code?: string }): void => {
        this.discard(worker);
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') finish({ kind: 'memory', detail: `the JS heap passed the worker's ${this.limits.maxHeapMb} MiB limit` });
        else finish({ kind: 'crash', error: { name: error.name, message: error.message, stack: error.stack } });
      };
      const onExit = (code: number): void => {
        this.discard(worker);
        finish({ kind: 'crash', error: { name: 'exit', message: `the worker exited with code ${code}; its last output: ${this.stderr.slice(-1000) || '(none)'}` } });
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ type: 'run', id, bytes });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private discard(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    void worker.terminate();
  }

  private ensure(): Promise<Worker> {
    if (this.worker !== undefined) return Promise.resolve(this.worker);
    this.starting ??= new Promise<Worker>((resolve, reject) => {
      this.stderr = '';
      this.inputsRun = 0;
      const worker = new Worker(WORKER, {
        workerData: { file: this.file, root: ROOT },
        resourceLimits: { maxOldGenerationSizeMb: this.limits.maxHeapMb, maxYoungGenerationSizeMb: 48, stackSizeMb: 4 },
        stdout: true,
        stderr: true,
      });
      // Parsers may log; keep only the tail of stderr, for crash reports.
      worker.stdout.resume();
      worker.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
      // For the worker's whole life: an 'error' without a listener would throw in this thread.
      worker.on('error', () => this.discard(worker));
      worker.on('exit', () => this.discard(worker));
      const timer = setTimeout(() => fail(new Error(`${this.file}: the worker did not start within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS);
      const onError = (error: Error): void => fail(error);
      const onExit = (code: number): void => fail(new Error(`${this.file}: the worker exited with code ${code} while starting: ${this.stderr.slice(-2000)}`));
      const onReady = (message: { type: string }): void => {
        if (message.type !== 'ready') return;
        stop();
        resolve(worker);
      };
      const stop = (): void => {
        clearTimeout(timer);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.off('message', onReady);
      };
      const fail = (error: Error): void => {
        stop();
        this.discard(worker);
        this.starting = undefined;
        reject(error);
      };
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.on('message', onReady);
    }).then((worker) => {
      this.worker = worker;
      this.starting = undefined;
      return worker;
    });
    return this.starting;
  }
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
