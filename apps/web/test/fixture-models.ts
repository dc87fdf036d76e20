import { createCsrnet, saveCsrnet } from '@crowd/csrnet';
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
