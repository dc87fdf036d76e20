import { readFileSync } from 'node:fs';
import type { ModelFileLimits } from '../src/limits.ts';
import { readTorchCheckpoint } from '../src/torch/checkpoint.ts';

/**
 * Run in a fresh process by runIsolated, so a test can measure what reading
 * one checkpoint costs at peak: reads `path` and returns a small summary.
 * No tfjs here, so the baseline stays small.
 */
export function readCheckpointFile(path: string, limits: ModelFileLimits = {}): { format: string; tensors: number; values: number } {
  const checkpoint = readTorchCheckpoint(new Uint8Array(readFileSync(path)), path, limits);
  let values = 0;
  for (const tensor of checkpoint.stateDict.values()) values += tensor.data.length;
  return { format: checkpoint.format, tensors: checkpoint.stateDict.size, values };
}
