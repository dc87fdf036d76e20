import { Option } from 'commander';
import type { EngineChoice } from '@crowd/count/node';

/** `--engine`, for the commands that count (count, eval). */
export function engineOption(): Option {
  return new Option(
    '--engine <name>',
    'what runs the model: auto uses onnxruntime (onnxruntime-node, all cores; its CUDA provider when installed) and falls back to tfjs; tfjs uses --backend',
  )
    .choices(['auto', 'onnxruntime', 'tfjs'] satisfies EngineChoice[])
    .default('auto');
}

/** One stderr line saying which engine counts and what was skipped, so a slow fallback is never silent. */
export function engineLine(command: string, engine: string, tried: readonly { engine: string; error: string }[]): string {
  const skipped = tried.length === 0 ? '' : ` (skipped ${tried.map((t) => `${t.engine}: ${t.error}`).join('; ')})`;
  return `crowd ${command}: counting with ${engine}${skipped}\n`;
}
