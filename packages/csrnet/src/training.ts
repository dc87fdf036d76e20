/**
 * `@crowd/csrnet/training`: the training side of the package. Importing it
 * registers the dilated Conv2D gradient and the wasm `Conv2DBackpropFilter`
 * kernel in tfjs's global registries (a side effect, declared in
 * package.json `sideEffects`), so `tf.grads` through `model.apply` works on
 * every backend.
 */
import { registerCsrnetGradients } from './register-gradients.js';

registerCsrnetGradients();

export { registerCsrnetGradients } from './register-gradients.js';
export { SGD, REFERENCE_SGD_CONFIG, SGD_DEFAULTS, resolveSgdConfig, type SgdConfig, type TrainableParameters } from './sgd.js';
export { lossAndGradients, sumSquaredError, trainStep, type LossAndGradients } from './train-step.js';
