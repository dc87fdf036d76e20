import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { CsrnetModel } from '@crowd/csrnet';
import { describeValue, TrainError } from '../errors.js';
import type { TrainCompute } from '../train-compute.js';
import type { GradientWorkerData, GradientWorkerTask, ParameterSlot } from './gradient-worker-protocol.js';
import { WorkerPool } from './worker-pool.js';

/** Backends a worker thread can run: the ones that compute on the CPU (a GPU backend gains nothing from threads). */
export type WorkerBackend = 'wasm' | 'cpu';

export interface WorkerComputeOptions {
  /** Worker threads, each with its own tfjs backend and model replica. @default os.availableParallelism() */
  workers?: number;
  /** The backend every worker runs. @default the active backend (`tf.getBackend()`), which must be 'wasm' or 'cpu' */
  backend?: WorkerBackend;
}

/** A {@link TrainCompute} over worker threads; `close()` terminates them. */
export interface WorkerCompute extends TrainCompute {
  readonly workers: number;
  readonly backend: WorkerBackend;
  close(): Promise<void>;
}

/** Validates `options` and fills in the defaults. `CONFIG_INVALID` names the option, the expectation and the value. */
export function resolveWorkerComputeOptions(options: WorkerComputeOptions = {}): Required<WorkerComputeOptions> {
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new TrainError('CONFIG_INVALID', `workers: expected a positive integer, got ${describeValue(workers)}`);
  const backend = options.backend ?? tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new TrainError('CONFIG_INVALID', `workers: expected the wasm or cpu backend (worker threads split CPU work; ${describeValue(backend)} gains nothing from them), got ${describeValue(backend)}`);
  }
  return { workers, backend };
}

/**
 * Data-parallel training over `worker_threads`. Each worker holds a replica
 * of the model on its own tfjs backend; each step, the batch's examples are
 * handed out one at a time to whichever worker is free, each worker writes
 * its example's gradients into its own `SharedArrayBuffer`, and this thread
 * sums them **in batch order** in float32. The optimiser then runs once,
 * here, and the new weights go to the workers through one shared buffer at
 * the next step.
 *
 * Because one example's gradient is the same bits on whichever thread
 * computes it, and the sum always has the same order, the numbers do not
 * depend on the worker count at all: 1 worker and 8 give identical losses and
 * weights, and equal `inProcessCompute`'s for batches of mixed sizes (for a
 * batch of one size that one stacks the examples, which sums in another
 * order). A worker holds its replica, its gradients and one example; a
 * worker that throws or dies fails the call with `WORKER_FAILED` naming the
 * step and the image, before any weight changes.
 */
export function workerCompute(options: WorkerComputeOptions = {}): WorkerCompute {
  const { workers, backend } = resolveWorkerComputeOptions(options);
  let replicas: Replicas | undefined;
  let failure: Error | undefined;
  let closed = false;

  /** The replicas of `model`, (re)started when the architecture changes. */
  const ready = async (model: CsrnetModel): Promise<Replicas> => {
    if (closed) throw new TrainError('CONFIG_INVALID', 'workerCompute: used after close()');
    if (failure !== undefined) throw new TrainError('WORKER_FAILED', `the workers stopped after an earlier failure (${failure.message})`, { cause: failure });
    const key = architectureKey(model);
    if (replicas?.key !== key) {
      await replicas?.pool.close();
      replicas = startReplicas(model, key, workers, backend);
    }
    replicas.push(model);
    return replicas;
  };
  const failed = (where: string, worker: number, name: string, error: unknown): TrainError => {
    failure = error as Error;
    return new TrainError('WORKER_FAILED', `${where}: worker ${worker + 1} of ${workers} failed on ${name}: ${(error as Error).message}`, { cause: error });
  };

  return {
    workers,
    backend,

    async gradients(model, batch, target, where) {
      if (batch.length === 0) throw new TrainError('CONFIG_INVALID', `${where}: expected a batch of at least one example, got none`);
      const r = await ready(model);
      const { acc } = r;
      let loss = 0;
      let next = 0;
      let summed = 0;
      let stopped = false;
      const done = new Map<number, { worker: number; loss: number }>();
      await new Promise<void>((resolve, reject) => {
        const dispatch = (worker: number) => {
          if (stopped || next === batch.length) return;
          const i = next++;
          const { image, density, name } = batch[i];
          const task: GradientWorkerTask = { kind: 'gradients', version: r.version, example: { image, density }, target };
          r.pool.run<number>(worker, task).then(
            (exampleLoss) => {
              done.set(i, { worker, loss: exampleLoss });
              drain();
            },
            (error) => {
              stopped = true;
              reject(failed(where, worker, name, error));
            },
          );
        };
        // Examples are summed in batch order, whatever order they finish in; a worker gets its next example once its buffer is summed.
        const drain = () => {
          for (let result = done.get(summed); result !== undefined && !stopped; result = done.get(summed)) {
            done.delete(summed);
            const g = r.gradients[result.worker];
            if (summed === 0) acc.set(g);
            else for (let k = 0; k < acc.length; k++) acc[k] += g[k];
            loss += result.loss;
            summed++;
            dispatch(result.worker);
          }
          if (summed === batch.length) resolve();
        };
        for (let w = 0; w < Math.min(workers, batch.length); w++) dispatch(w);
      });
      // slice(): tensors of their own, since the cpu backend keeps the array it is given.
      const grads = new Map(r.layout.map(({ name, shape, offset, size }) => [name, tf.tensor(acc.slice(offset, offset + size), shape, 'float32')]));
      return { loss, grads };
    },

    async counts(model, size, load, where) {
      const r = await ready(model);
      const counts = new Array<number>(size);
      let next = 0;
      let stopped = false;
      // One loop per worker, each taking the next image: at most `workers` images are loaded ahead of their counts.
      const serve = async (worker: number) => {
        for (let i = next++; i < size && !stopped; i = next++) {
          const { name, image } = await load(i);
          try {
            counts[i] = await r.pool.run<number>(worker, { kind: 'count', version: r.version, image } satisfies GradientWorkerTask);
          } catch (error) {
            stopped = true;
            throw failed(where, worker, name, error);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(workers, size) }, (_, w) => serve(w))).catch((error: unknown) => {
        stopped = true;
        throw error;
      });
      return counts;
    },

    async close() {
      closed = true;
      await replicas?.pool.close();
      replicas = undefined;
    },
  };
}

interface Replicas {
  key: string;
  pool: WorkerPool;
  layout: ParameterSlot[];
  /** The weights the workers read, as of `version`. */
  weights: Float32Array;
  version: number;
  /** One gradient buffer per worker. */
  gradients: Float32Array[];
  /** The batch's gradient sum. */
  acc: Float32Array;
  /** Copies the model's weights into the shared buffer under a new version. */
  push(model: CsrnetModel): void;
}

/** Replicas are interchangeable between models of one architecture (the weights are pushed every call). */
const architectureKey = (model: CsrnetModel): string =>
  JSON.stringify([model.config, [...model.parameters].map(([name, v]) => [name, v.shape])]);

function startReplicas(model: CsrnetModel, key: string, workers: number, backend: WorkerBackend): Replicas {
  const layout: ParameterSlot[] = [];
  let total = 0;
  for (const [name, variable] of model.parameters) {
    layout.push({ name, shape: [...variable.shape], offset: total, size: variable.size });
    total += variable.size;
  }
  const weights = new SharedArrayBuffer(total * 4);
  const gradients = Array.from({ length: workers }, () => new SharedArrayBuffer(total * 4));
  const data = (w: number): GradientWorkerData => ({ backend, config: model.config, layout, weights, gradients: gradients[w] });
  return {
    key,
    pool: new WorkerPool(new URL('./gradient-worker.js', import.meta.url), workers, data),
    layout,
    weights: new Float32Array(weights),
    version: 0,
    gradients: gradients.map((g) => new Float32Array(g)),
    acc: new Float32Array(total),
    push(m) {
      this.version++;
      for (const { name, offset } of layout) this.weights.set(m.parameters.get(name)!.dataSync() as Float32Array, offset);
    },
  };
}
