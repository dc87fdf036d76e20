import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server misbehaves; change it between requests. */
export interface FileServerBehaviour {
  /** `{ '/old': '/new' }`: answered with a 302 to the other path. */
  redirects?: Record<string, string>;
  /** Sends the headers and `afterBytes` of the body, then closes the connection, for the next `times` requests of `path` (the client may see fewer: see below). */
  truncate?: { path: string; afterBytes: number; times: number };
  /** Sends the headers and `afterBytes` of the body, then nothing (the connection stays open), for the next `times` requests of `path`. */
  stall?: { path: string; afterBytes: number; times: number };
  /** Answers every request with the whole file (200), as servers without range support do. */
  ignoreRange?: boolean;
}

/** One request as the server saw it. */
export interface FileRequest {
  path: string;
  range?: string;
  ifRange?: string;
  status: number;
}

export interface FileServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  /** The files served, by path (`/name`); replace one to change it (its ETag follows its bytes). */
  files: Map<string, Uint8Array>;
  behaviour: FileServerBehaviour;
  requests: FileRequest[];
  close(): Promise<void>;
}

const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}"`;

/**
 * A static file server on 127.0.0.1 (a random free port) for download tests:
 * ETag, HTTP Range and If-Range as a CDN answers them, plus redirects,
 * truncated and stalled bodies on demand. Every request is logged.
 */
export async function serveFiles(files: Record<string, Uint8Array>, behaviour: FileServerBehaviour = {}): Promise<FileServer> {
  const served = new Map(Object.entries(files));
  const requests: FileRequest[] = [];
  const api = { behaviour };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const log = (status: number) =>
      requests.push({
        path,
        status,
        ...(request.headers.range === undefined ? {} : { range: request.headers.range }),
        ...(typeof request.headers['if-range'] === 'string' ? { ifRange: request.headers['if-range'] } : {}),
      });
    const b = api.behaviour;
    const redirect = b.redirects?.[path];
    if (redirect !== undefined) {
      log(302);
      response.writeHead(302, { location: redirect }).end();
      return;
    }
    const bytes = served.get(path);
    if (bytes === undefined) {
      log(404);
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const etag = etagOf(bytes);
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const ifRange = request.headers['if-range'];
    if (range !== null && !b.ignoreRange && (ifRange === undefined || ifRange === etag)) {
      start = Number(range[1]);
      if (start >= bytes.length) {
        log(416);
        response.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
        return;
      }
    }
    const status = start > 0 ? 206 : 200;
    log(status);
    response.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': bytes.length - start,
      etag,
      'accept-ranges': 'bytes',
      ...(status === 206 ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    const body = bytes.subarray(start);
    for (const [kind, cut] of [
      ['truncate', b.truncate],
      ['stall', b.stall],
    ] as const) {
      if (cut === undefined || cut.path !== path || cut.times <= 0) continue;
      cut.times--;
      // The close waits a little so the client has read what was sent: fetch drops the chunks it still queues when the body errors.
      response.write(body.subarray(0, cut.afterBytes), () => {
        if (kind === 'truncate') setTimeout(() => response.socket?.end(), 100);
      });
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The handler reads `behaviour` from this object at each request, so a test may replace it.
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    files: served,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** A port on 127.0.0.1 that nothing listens on: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
