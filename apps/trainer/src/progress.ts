import { SingleBar } from 'cli-progress';

/** Per-item progress: a live bar on a terminal, one plain line per item otherwise. */
export interface Progress {
  start(total: number): void;
  /** Advances by one; `line` is printed when there is no bar (or, for failures, always). */
  tick(line: string, options?: { important?: boolean }): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream, label: string, quiet = false): Progress {
  if (stream.isTTY && !quiet) {
    const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} {eta_formatted} left`, stream, hideCursor: true });
    return {
      start: (total) => bar.start(total, 0),
      tick: (line, options) => {
        if (options?.important) {
          // Print above the bar so the message stays visible after it redraws.
          stream.write(`\r\x1b[2K${line}\n`);
        }
        bar.increment();
      },
      stop: () => bar.stop(),
    };
  }
  return {
    start: () => {},
    tick: (line, options) => {
      if (!quiet || options?.important) stream.write(`${line}\n`);
    },
    stop: () => {},
  };
}
