// @crowd/csrnet's core in a browser bundle: the README example's model on the
// cpu backend (which ships inside @tensorflow/tfjs), through `@crowd/csrnet/browser`.
// It prints the README example's numbers (consumer.test.ts compares them).
import * as tf from '@tensorflow/tfjs';
import { createCsrnet, csrnetFlops } from '@crowd/csrnet';
import { selectBackend } from '@crowd/csrnet/browser';

const backend = await selectBackend('cpu');
const model = createCsrnet({ widthDivisor: 8 }, { kind: 'reference', seed: 0 });
const input = tf.zeros([1, 64, 96, 3]) as tf.Tensor4D;
const density = model.predict(input);
console.log(`backend: ${backend.name}`);
console.log(`parameters: ${[...model.parameters.values()].reduce((n, v) => n + v.size, 0)}`);
console.log(`output shape: [${density.shape.join(', ')}]`);
console.log(`GFLOP per 96×64 image: ${(csrnetFlops(model.config, 64, 96) / 1e9).toFixed(3)}`);
tf.dispose([input, density]);
model.dispose();
