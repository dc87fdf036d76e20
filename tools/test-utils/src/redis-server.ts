import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's `redis-server` package; tests use the real server, never a mock. */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** A private Redis for one test file: 127.0.0.1, a free port, its own data folder, AOF on. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The server's `--dir`: `appendonlydir/` lives here. */
  readonly dir: string;
  /**
   * Kills the server with SIGKILL (no shutdown save: only what AOF with
   * `appendfsync always` already holds survives) and starts it again on the
   * same port and folder; resolves once it accepts connections again.
   * `downMs` keeps it down that long first, so clients see the outage.
   */
  crashAndRestart(downMs?: number): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts `/usr/bin/redis-server` on 127.0.0.1 with a random free port and a
 * fresh temporary `--dir`, with persistence as a production queue would use
 * it (`--appendonly yes --appendfsync always`, no RDB snapshots), and waits
 * until it answers PING. Throws (never skips) when the server is not
 * installed: `.ci/run` installs Debian's `redis-server`.
 */
export async function startRedisServer(): Promise<TestRedis> {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: install Debian's redis-server package (apt-get install redis-server); the queue tests need a real Redis`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'crowd-redis-'));
  const port = await freePort();
  let server = await launch(port, dir);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async crashAndRestart(downMs = 0) {
      await kill(server, 'SIGKILL');
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await launch(port, dir);
    },
    async stop() {
      await kill(server, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port from the probe server'))));
    });
  });
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no', '--logfile', ''];
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log = (log + d).slice(-4000)));
  child.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`cannot start ${REDIS_SERVER}: ${error.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`${REDIS_SERVER} on port ${port} exited (${code ?? signal}) before it was ready:\n${log}`)));
  });
  exited.catch(() => {});
  // Redis 7 loads the AOF before it answers; a restart with a long AOF may take a moment.
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await Promise.race([ping(port), exited]);
    if (ready) return child;
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), exited]);
  }
  child.kill('SIGKILL');
  throw new Error(`${REDIS_SERVER} on port ${port} did not answer PING within 10 s:\n${log}`);
}

/** True when a server on `port` answers `+PONG` (not `-LOADING`). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d;
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
