import { describe, expect, test } from 'vitest';
import { resolveCsrnetConfig } from './config.js';
import { heInit } from './he-init.js';
import { referenceInit } from './reference-init.js';

function std(data: Float32Array): number {
  let sum = 0;
  let squares = 0;
  for (const v of data) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / data.length;
  return Math.sqrt(squares / data.length - mean * mean);
}

describe('heInit', () => {
  const config = resolveCsrnetConfig({});
  const weights = heInit(config, 0);

  test('conv weights have std sqrt(2 / fan_in), biases are 0', () => {
    // frontend.19.weight: 512 × 512 × 3 × 3, fan_in 4608 → std 0.02083; backend.10.weight: 64 × 128 × 3 × 3 → 0.04167.
    expect(std(weights.get('frontend.19.weight')!.data)).toBeCloseTo(Math.sqrt(2 / 4608), 4);
    expect(std(weights.get('backend.10.weight')!.data)).toBeCloseTo(Math.sqrt(2 / 1152), 3);
    // The 1×1 head: fan_in 64 → std 0.1768 over only 64 draws, so a loose bound.
    expect(Math.abs(std(weights.get('output_layer.weight')!.data) / Math.sqrt(2 / 64) - 1)).toBeLessThan(0.25);
    for (const [name, tensor] of weights) if (name.endsWith('.bias')) expect(tensor.data.every((v) => v === 0)).toBe(true);
  });

  test('the same seed gives the same weights; another seed does not; shapes equal the reference init', () => {
    expect(heInit(config, 0).get('frontend.0.weight')!.data).toEqual(weights.get('frontend.0.weight')!.data);
    expect(heInit(config, 1).get('frontend.0.weight')!.data).not.toEqual(weights.get('frontend.0.weight')!.data);
    const reference = referenceInit(config, 0);
    expect([...weights].map(([name, t]) => [name, t.shape])).toEqual([...reference].map(([name, t]) => [name, t.shape]));
  });
});
