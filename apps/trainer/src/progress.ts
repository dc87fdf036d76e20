import { SingleBar } from 'cli-progress';

/**
 * Per-item progress. On a terminal a live bar is drawn on `barStream` and the
 * result lines are held back until `stop()`, so they don't fight the bar; off a
 * terminal each line is written to `lineStream` as soon as it is known.
 */
export interface Progress {
  start(total: number): void;
  /** Advances by one; `line` (if any) is the item's result line. */
  tick(line?: string): void;
  stop(): void;
}

export function createProgress(barStream: NodeJS.WriteStream, lineStream: NodeJS.WritableStream, label: string): Progress {
  if (!barStream.isTTY) {
    return {
      start: () => {},
      tick: (line) => {
        if (line !== undefined) lineStream.write(`${line}\n`);
      },
      stop: () => {},
    };
  }
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}  eta {eta_formatted}`, stream: barStream, hideCursor: true });
  const held: string[] = [];
  return {
    start: (total) => bar.start(total, 0),
    tick: (line) => {
      if (line !== undefined) held.push(line);
      bar.increment();
    },
    stop: () => {
      bar.stop();
      for (const line of held) lineStream.write(`${line}\n`);
    },
  };
}
