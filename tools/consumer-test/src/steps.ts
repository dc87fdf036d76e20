import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Timing and child processes for the consumer test. The clock is read here,
 * never in the test file: durations are printed for people, not asserted.
 */

/** Each finished step and how long it took, in the order they finished. */
export const timings: { step: string; seconds: number }[] = [];

/** Runs `work`, then prints and records how long it took (also when it fails). */
export async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    const seconds = (performance.now() - start) / 1000;
    timings.push({ step, seconds });
    console.log(`[consumer] ${step}: ${seconds.toFixed(1)} s`);
  }
}

/** The recorded steps as an aligned table, slowest first. */
export function timingTable(): string {
  const total = timings.reduce((sum, t) => sum + t.seconds, 0);
  const width = Math.max(...timings.map((t) => t.step.length), 5);
  const rows = [...timings].sort((a, b) => b.seconds - a.seconds).map((t) => `  ${t.step.padEnd(width)}  ${t.seconds.toFixed(1).padStart(6)} s`);
  return [...rows, `  ${'total'.padEnd(width)}  ${total.toFixed(1).padStart(6)} s (steps may overlap)`].join('\n');
}

export interface CommandResult {
  command: string;
  /** The exit code; `null` when killed (see `signal`). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/**
 * The environment for npm, node and tsc in the throwaway projects: the
 * `npm_*` variables of an enclosing `npm run` (its workspace, prefix, …) and
 * the test runner's own (`NODE_ENV=test`, `VITEST*`, `NODE_OPTIONS`) are
 * dropped, so each command sees only its own folder.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|vitest)/i.test(key) && !['INIT_CWD', 'NODE_ENV', 'NODE_OPTIONS', 'TEST'].includes(key)),
  );
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

/**
 * Runs a command in its own process group and collects its output. After
 * `timeoutMs` the whole group is killed (an npm or a browser leaves nothing
 * behind) and the result has `code: null`.
 */
export function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  const described = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => killGroup(child), options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new Error(`${described}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ command: described, code, signal, stdout, stderr });
    });
  });
}

/** `runCommand` that throws, with the output's tail, unless the command exits 0. */
export async function mustRun(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) throw new Error(describeFailure(result));
  return result;
}

/** What a failed command printed, for an error message. */
export function describeFailure(result: CommandResult): string {
  const how = result.code === null ? `was killed (${result.signal}; time-out?)` : `exited with ${result.code}`;
  const tail = (text: string) => text.trim().split('\n').slice(-40).join('\n');
  return `${result.command} (in its folder) ${how}\n--- stdout ---\n${tail(result.stdout)}\n--- stderr ---\n${tail(result.stderr)}`;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** Kills every command still running (the test's afterAll, so a failure leaves no process behind). */
export function killRunning(): void {
  for (const child of running) killGroup(child);
}
