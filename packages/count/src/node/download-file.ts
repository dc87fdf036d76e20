import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { writeAtomically } from '@crowd/datasets/node';

/** How far a download has got. */
export interface DownloadProgress {
  url: string;
  /** Bytes on disk, a resumed part included. */
  received: number;
  /** The whole file's size, when the server says. */
  total?: number;
}

/** Options of {@link downloadFile}. */
export interface DownloadFileOptions {
  /** The size the file must have, when known beforehand. */
  expectedBytes?: number;
  /** Called as bytes arrive (and once at the start, with what a resumed part already holds). */
  onProgress?: (progress: DownloadProgress) => void;
  /** Tries in all, resumes after a transfer broke off included. @default 3 */
  attempts?: number;
  /** A transfer that receives nothing for this long (ms) is abandoned, and resumed if tries are left. @default 30_000 */
  idleTimeout?: number;
}

/** Why a download failed: `network` (no connection, a transfer that kept breaking off), `http` (an error status), `size` (not the file expected). */
export class DownloadFailure extends Error {
  override name = 'DownloadFailure';
  constructor(
    readonly kind: 'network' | 'http' | 'size',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What {@link downloadFile} saves next to a partial file, so a later run resumes the same file and no other. */
interface PartialState {
  url: string;
  /** The server's validator of the file (ETag, else Last-Modified), sent as If-Range when resuming. */
  validator?: string;
  total?: number;
}

const stateFile = (partial: string) => `${partial}.json`;

async function readState(partial: string): Promise<PartialState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(partial), 'utf8')) as PartialState;
  } catch {
    return undefined;
  }
}

/**
 * Downloads `url` into `partial` with Node's fetch, following redirects, and
 * resolves with its size once it holds the whole file. A part left by an
 * earlier, interrupted run for the same URL is resumed with an HTTP Range
 * request (If-Range: the server's ETag or Last-Modified, so a file changed
 * in between starts over); a server that answers with the whole file, or a
 * range that does not fit, starts the file over cleanly. A transfer that
 * breaks off or stalls (`idleTimeout`) is resumed up to `attempts` tries in
 * all. The partial file stays on failure, for the next run to resume.
 *
 * @throws DownloadFailure `network` (no connection: not retried; or a
 *   transfer still broken off after the last try), `http` (a 4xx status, or
 *   5xx on the last try) or `size` (the server's file is not
 *   `expectedBytes` long).
 */
export async function downloadFile(url: string, partial: string, options: DownloadFileOptions = {}): Promise<number> {
  const attempts = options.attempts ?? 3;
  const idleTimeout = options.idleTimeout ?? 30_000;
  let lastFailure: DownloadFailure | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await tryOnce(url, partial, idleTimeout, options);
    if (typeof outcome === 'number') return outcome;
    lastFailure = outcome.failure;
    if (!outcome.retry) break;
  }
  throw lastFailure;
}

type Outcome = number | { failure: DownloadFailure; retry: boolean };

async function tryOnce(url: string, partial: string, idleTimeout: number, options: DownloadFileOptions): Promise<Outcome> {
  const state = await readState(partial);
  // A part of another URL's file (the mirror changed) is not resumed.
  let offset = state?.url === url ? ((await stat(partial).catch(() => undefined))?.size ?? 0) : 0;
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    if (state?.validator !== undefined) headers['if-range'] = state.validator;
  }
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const armIdleTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`nothing received for ${idleTimeout / 1000} s`)), idleTimeout);
  };
  armIdleTimer();
  try {
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: 'follow', signal: controller.signal });
    } catch (error) {
      // No connection at all (refused, no such host, no route): another try would fail the same way.
      return { failure: new DownloadFailure('network', `cannot connect (${reason(error)})`, { cause: error }), retry: controller.signal.aborted };
    }
    if (response.status === 416) {
      // The part is as long as the file or longer (the file changed): start over.
      await response.body?.cancel();
      await rm(partial, { force: true });
      return { failure: new DownloadFailure('http', 'HTTP 416 Range Not Satisfiable'), retry: true };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { failure: new DownloadFailure('http', `HTTP ${response.status} ${response.statusText}`.trim()), retry: response.status >= 500 };
    }
    let total: number | undefined;
    if (response.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
      if (range === null || Number(range[1]) !== offset) {
        await response.body?.cancel();
        await rm(partial, { force: true });
        return { failure: new DownloadFailure('http', `the server sent a range other than the one asked for (${response.headers.get('content-range')})`), retry: true };
      }
      total = Number(range[2]);
    } else {
      // 200: the whole file, from the start (no range asked, the server ignores ranges, or If-Range saw a changed file).
      offset = 0;
      const length = response.headers.get('content-length');
      total = length === null ? undefined : Number(length);
    }
    if (options.expectedBytes !== undefined && total !== undefined && total !== options.expectedBytes) {
      await response.body?.cancel();
      return { failure: new DownloadFailure('size', `the server's file is ${total} bytes, expected ${options.expectedBytes}`), retry: false };
    }
    const validator = response.headers.get('etag') ?? response.headers.get('last-modified') ?? undefined;
    const next: PartialState = { url, ...(validator === undefined ? {} : { validator }), ...(total === undefined ? {} : { total }) };
    await writeAtomically(stateFile(partial), (temp) => writeFile(temp, JSON.stringify(next)));

    const file = await open(partial, offset > 0 ? 'a' : 'w');
    let received = offset;
    const report = () => options.onProgress?.({ url, received, ...(total === undefined ? {} : { total }) });
    try {
      report();
      const reader = response.body?.getReader();
      for (let chunk = await reader?.read(); chunk !== undefined && !chunk.done; chunk = await reader?.read()) {
        armIdleTimer();
        await file.write(chunk.value);
        received += chunk.value.length;
        report();
      }
    } catch (error) {
      const why = controller.signal.aborted ? reason(controller.signal.reason) : reason(error);
      return { failure: new DownloadFailure('network', `the transfer broke off after ${received}${total === undefined ? '' : ` of ${total}`} bytes (${why})`, { cause: error }), retry: true };
    } finally {
      await file.close();
    }
    if (total !== undefined && received !== total) {
      return { failure: new DownloadFailure('network', `the transfer ended after ${received} of ${total} bytes`), retry: true };
    }
    await rm(stateFile(partial), { force: true });
    return received;
  } finally {
    clearTimeout(timer);
  }
}

/** The innermost useful message: fetch wraps the socket error (`connect ECONNREFUSED 127.0.0.1:9`) in "fetch failed". */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  return cause instanceof Error && cause.message !== '' ? cause.message : error.message;
}
