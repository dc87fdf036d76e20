// Worker-thread entry of `workerCompute`: a model replica on its own tfjs
// backend that computes one example's gradients, or one image's count, per task.
import { workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { createCsrnet, csrnetParameterSpecs, type CsrnetModel, type NamedTensors } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/node';
import '@crowd/csrnet/training';
import { predictedCount, stackedGradients } from '../train-compute.js';
import type { GradientWorkerData, GradientWorkerTask } from './gradient-worker-protocol.js';
import { serveTasks } from './worker-pool.js';

const { backend, config, layout, weights, gradients } = workerData as GradientWorkerData;

async function start(): Promise<CsrnetModel> {
  await selectBackend(backend);
  // Zeros: the real weights arrive with the first task.
  const zeros: NamedTensors = new Map(csrnetParameterSpecs(config).map((spec) => [spec.name, { shape: spec.shape, data: new Float32Array(spec.shape.reduce((a, b) => a * b, 1)) }]));
  const model = createCsrnet(config, { kind: 'weights', weights: zeros });
  for (const { name, shape } of layout) {
    const found = model.parameters.get(name)?.shape;
    if (found === undefined || found.join() !== shape.join()) {
      throw new Error(`the replica has ${found === undefined ? `no parameter ${name}` : `${name} [${found.join(',')}]`}, the main thread's model [${shape.join(',')}]`);
    }
  }
  return model;
}

const replica = start();
// A failed start is reported as the error of each task, not as an unhandled rejection.
replica.catch(() => undefined);
const weightView = new Float32Array(weights);
const gradientView = new Float32Array(gradients);
let loadedVersion = -1;

/** Copies the main thread's weights in, once per version (one version per step). */
function syncWeights(model: CsrnetModel, version: number): void {
  if (version === loadedVersion) return;
  for (const { name, offset, size, shape } of layout) {
    // slice(): a private copy, since some backends (cpu) keep the array they are given and the main thread rewrites this one.
    const value = tf.tensor(weightView.slice(offset, offset + size), shape, 'float32');
    model.parameters.get(name)!.assign(value);
    value.dispose();
  }
  loadedVersion = version;
}

serveTasks(async (task: GradientWorkerTask) => {
  const model = await replica;
  syncWeights(model, task.version);
  if (task.kind === 'count') return predictedCount(model, task.image);
  const { loss, grads } = await stackedGradients(model, [task.example], task.target);
  try {
    for (const { name, offset } of layout) gradientView.set(grads.get(name)!.dataSync() as Float32Array, offset);
  } finally {
    tf.dispose([...grads.values()]);
  }
  return loss;
});
