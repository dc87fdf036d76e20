// Worker-thread entry for `crowd prepare`: receives PrepareTask messages, answers PrepareOutcome.
import { parentPort } from 'node:worker_threads';
import { prepareImage, type PrepareTask } from './prepare-image.js';

parentPort?.on('message', async (task: PrepareTask) => {
  parentPort?.postMessage(await prepareImage(task));
});
