import { expect, test } from 'vitest';
import { isModelFileName, planModelFiles } from './model-files.ts';

const f = (name: string) => ({ name });

test('a single checkpoint is a PyTorch model, a single .onnx an ONNX model; model.json + .bin files a tfjs model', () => {
  expect(planModelFiles([f('PartAmodel_best.pth.tar')])).toEqual({ kind: 'pytorch', checkpoint: f('PartAmodel_best.pth.tar') });
  expect(planModelFiles([f('csrnet.onnx')])).toEqual({ kind: 'onnx', model: f('csrnet.onnx') });
  expect(planModelFiles([f('weights.bin'), f('model.json')])).toEqual({ kind: 'tfjs', json: f('model.json'), weights: [f('weights.bin')] });
  expect(planModelFiles([f('model.json'), f('group1-shard1of2.bin'), f('group1-shard2of2.bin')]).kind).toBe('tfjs');
});

test('anything else is a readable error', () => {
  expect(() => planModelFiles([])).toThrow('No file was selected.');
  expect(() => planModelFiles([f('model.json')])).toThrow(/select model.json and weights.bin together/);
  expect(() => planModelFiles([f('notes.txt')])).toThrow(/Expected a CSRNet PyTorch checkpoint .*, an ONNX model \(\.onnx\) .* got notes.txt\./);
  expect(() => planModelFiles([f('a.pth'), f('b.pth')])).toThrow(/one PyTorch checkpoint or ONNX model at a time/);
  expect(() => planModelFiles([f('a.onnx'), f('weights.bin')])).toThrow(/one PyTorch checkpoint or ONNX model at a time/);
  expect(() => planModelFiles([f('model.json'), f('weights.bin'), f('x.txt')])).toThrow(/Expected/);
});

test('isModelFileName separates models from photos', () => {
  expect(['model.json', 'weights.bin', 'a.pth.tar', 'b.pth', 'c.pt', 'd.onnx'].every(isModelFileName)).toBe(true);
  expect(['crowd.jpg', 'x.png', 'y.webp'].some(isModelFileName)).toBe(false);
});
