import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCsrnet, csrnetCheckpointToOnnx, readTorchCheckpoint, saveCsrnet } from '@crowd/csrnet';
import { fileSystemHandler, loadCsrnetFile, selectBackend } from '@crowd/csrnet/node';
import { fixture, formulaWeights } from '@crowd/test-utils';

/** Converts the ÷8 fixture checkpoint (zip .pth.tar) to tfjs `model.json` + `weights.bin` in `dir`, as `crowd convert` does. */
export async function writeFixtureModel(dir: string): Promise<void> {
  await selectBackend('cpu');
  const { model } = await loadCsrnetFile(fixture('csrnet', 'zip', 'model_best.pth.tar'));
  try {
    await saveCsrnet(model, fileSystemHandler(dir));
  } finally {
    model.dispose();
  }
}

/** Writes the full-width (16.3 M parameters, 65 MB) formula model as tfjs into `dir`. */
export async function writeFullFormulaModel(dir: string): Promise<void> {
  await selectBackend('cpu');
  const model = createCsrnet({}, { kind: 'weights', weights: formulaWeights(), source: 'csrnet-full-formula' });
  try {
    await saveCsrnet(model, fileSystemHandler(dir));
  } finally {
    model.dispose();
  }
}

/** The ÷8 fixture checkpoint exported to ONNX (as `crowd export` does), as `dir/csrnet.onnx`. */
export async function writeFixtureOnnx(dir: string): Promise<void> {
  const path = fixture('csrnet', 'zip', 'model_best.pth.tar');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'csrnet.onnx'), csrnetCheckpointToOnnx(readTorchCheckpoint(new Uint8Array(await readFile(path)), path), path));
}
