import { expect, test } from 'vitest';
import { describeError } from './describe-error.ts';

test('camera errors become instructions', () => {
  const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
  expect(describeError(denied, 'Starting the camera')).toMatch(/^Starting the camera failed: Camera access was denied/);
  expect(describeError({ name: 'NotFoundError', message: 'Requested device not found' }, 'Starting the camera')).toMatch(/No camera was found/);
});

test('csrnet errors keep their message and gain a hint', () => {
  const error = { name: 'CsrnetError', code: 'WEIGHTS_FORMAT', message: 'page.pth.tar: expected a PyTorch checkpoint, found an HTML document' };
  expect(describeError(error, 'Loading the model')).toBe(
    'Loading the model failed: page.pth.tar: expected a PyTorch checkpoint, found an HTML document. Pick a tfjs model.json together with its weights.bin, a CSRNet PyTorch checkpoint (.pth / .pth.tar) or an .onnx written by crowd export.',
  );
});

test('anything else still reads as a sentence', () => {
  expect(describeError(new Error('Boom!'), 'Counting')).toBe('Counting failed: Boom!');
  expect(describeError('plain string', 'Counting')).toBe('Counting failed: plain string.');
  expect(describeError({}, 'Counting')).toBe('Counting failed: unknown error.');
});
