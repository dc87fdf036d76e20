export { FIXTURES_DIR, fixture } from './fixtures.ts';
export { readNpy, type NpyArray, type NpyData } from './npy.ts';
export { runReadmeExample, type ReadmeExample } from './readme-example.ts';
export { formulaTensor, formulaWeights } from './formula-weights.mjs';
