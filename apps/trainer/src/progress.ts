import { SingleBar } from 'cli-progress';

/** Values shown in a bar's extra fields (`{name}` in `fields`). */
export type ProgressPayload = Record<string, string | number>;

/**
 * Per-item progress. On a terminal a live bar is drawn on `barStream` and the
 * result lines are held back until `stop()`, so they don't fight the bar; off a
 * terminal each line is written to `lineStream` as soon as it is known.
 */
export interface Progress {
  /** `value`: items already done (a resumed run); `payload`: the fields' first values. */
  start(total: number, options?: { value?: number; payload?: ProgressPayload }): void;
  /** Advances by one; `line` (if any) is the item's result line, `payload` updates the fields. */
  tick(line?: string, payload?: ProgressPayload): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Extra cli-progress format after the count, e.g. `loss {loss}`; its tokens come from the payloads. */
  fields?: string;
}

export function createProgress(barStream: NodeJS.WriteStream, lineStream: NodeJS.WritableStream, label: string, options: ProgressOptions = {}): Progress {
  if (!barStream.isTTY) {
    return {
      start: () => {},
      tick: (line) => {
        if (line !== undefined) lineStream.write(`${line}\n`);
      },
      stop: () => {},
    };
  }
  const fields = options.fields === undefined ? '' : `  ${options.fields}`;
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}${fields}  eta {eta_formatted}`, stream: barStream, hideCursor: true });
  const held: string[] = [];
  return {
    start: (total, start = {}) => bar.start(total, start.value ?? 0, start.payload),
    tick: (line, payload) => {
      if (line !== undefined) held.push(line);
      bar.increment(1, payload);
    },
    stop: () => {
      bar.stop();
      for (const line of held) lineStream.write(`${line}\n`);
    },
  };
}
