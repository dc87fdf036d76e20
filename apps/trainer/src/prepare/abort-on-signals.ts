import { constants } from 'node:os';
import { removePendingTempFiles } from '@crowd/datasets/node';

/** The signals a long command stops cleanly on. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The conventional exit status of a process stopped by `signal`: 128 + its number (130, 143). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Turns the first SIGINT or SIGTERM into `controller.abort(signal)`, so the
 * work in progress can stop and remove its temp files. A second signal does
 * not wait: it removes this thread's temp files and exits at once with the
 * conventional status. Returns a function that removes the handlers.
 */
export function abortOnSignals(controller: AbortController): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      if (!controller.signal.aborted) {
        controller.abort(signal);
        return;
      }
      removePendingTempFiles();
      process.exit(signalExitCode(signal));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
