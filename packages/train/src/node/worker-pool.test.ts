import { afterEach, describe, expect, test } from 'vitest';
import { WorkerPool } from './worker-pool.ts';

/** A worker script (a data: URL) that serves tasks with `handler`, a JS function body over `task`. */
const script = (handler: string) =>
  new URL(`data:text/javascript,${encodeURIComponent(`import { serveTasks } from ${JSON.stringify(new URL('./worker-pool.ts', import.meta.url).href)};
serveTasks(async (task) => { ${handler} });`)}`);

let pool: WorkerPool | undefined;
afterEach(() => pool?.close());

describe('WorkerPool', () => {
  test('runs tasks on the worker asked for, with what it was started with', async () => {
    pool = new WorkerPool(new URL(`data:text/javascript,${encodeURIComponent(`import { workerData } from 'node:worker_threads';
import { serveTasks } from ${JSON.stringify(new URL('./worker-pool.ts', import.meta.url).href)};
serveTasks(async (task) => workerData * 100 + task.n);`)}`), 2, (i) => i + 1);
    expect(await Promise.all([pool.run(0, { n: 1 }), pool.run(1, { n: 2 })])).toEqual([101, 202]);
    expect(await pool.run(1, { n: 3 })).toBe(203);
    await expect(pool.run(1, { n: 4 }).then(() => pool!.run(1, { n: 5 }))).resolves.toBe(205);
  });

  test('a task the worker throws on rejects with its name and message; the worker keeps serving', async () => {
    pool = new WorkerPool(script(`if (task.n < 0) throw new RangeError('n must be ≥ 0, got ' + task.n); return task.n;`), 1, () => undefined);
    await expect(pool.run(0, { n: -1 })).rejects.toMatchObject({ name: 'RangeError', message: 'n must be ≥ 0, got -1' });
    expect(await pool.run(0, { n: 2 })).toBe(2);
  });

  test('a worker that exits or throws outside a task fails its task and every later one, without hanging', async () => {
    pool = new WorkerPool(script(`if (task.how === 'exit') process.exit(3); setTimeout(() => { throw new TypeError('boom'); }); return new Promise(() => {});`), 2, () => undefined);
    await expect(pool.run(0, { how: 'exit' })).rejects.toThrow('worker 1 stopped: it exited with code 3');
    await expect(pool.run(0, {})).rejects.toThrow('worker 1 stopped: it exited with code 3');
    await expect(pool.run(1, { how: 'throw' })).rejects.toThrow('worker 2 stopped: it threw TypeError: boom');
  });

  test('close() terminates the workers and fails a running task', async () => {
    pool = new WorkerPool(script(`return new Promise(() => {});`), 1, () => undefined);
    const running = expect(pool.run(0, {})).rejects.toThrow('the worker pool was closed');
    await pool.close();
    await running;
    await expect(pool.run(0, {})).rejects.toThrow('the worker pool is closed');
  });
});
