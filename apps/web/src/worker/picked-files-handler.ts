import * as tf from '@tensorflow/tfjs';

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * A tf.io load handler for a `model.json` and its weight files picked by the
 * user. Unlike `tf.io.browserFiles` it accepts a model.json without
 * `modelTopology` (CSRNet saves made before @crowd/csrnet wrote one), and
 * every problem is a readable error: weight files are matched to the
 * manifest's paths by file name and a missing one is named.
 */
export function pickedFilesHandler(json: Blob & { name: string }, weights: readonly (Blob & { name: string })[]): tf.io.IOHandler {
  return {
    async load() {
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(await json.text()) as tf.io.ModelJSON;
      } catch (error) {
        throw new Error(`${json.name} is not a tfjs model.json (not valid JSON: ${(error as Error).message})`);
      }
      if (typeof modelJSON !== 'object' || modelJSON === null || !Array.isArray(modelJSON.weightsManifest)) {
        throw new Error(`${json.name} is not a tfjs model.json (it has no weightsManifest)`);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const byName = new Map(weights.map((f) => [f.name, f]));
        const paths = manifest.flatMap((group) => group.paths);
        const missing = paths.map(basename).filter((name) => !byName.has(name));
        if (missing.length > 0) throw new Error(`${json.name} needs ${missing.join(', ')}, which ${missing.length === 1 ? 'was' : 'were'} not selected with it`);
        const buffers = await Promise.all(paths.map((path) => byName.get(basename(path))!.arrayBuffer()));
        return [manifest.flatMap((group) => group.weights), buffers];
      });
    },
  };
}
