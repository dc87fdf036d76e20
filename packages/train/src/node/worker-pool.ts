import { parentPort, Worker, type Transferable } from 'node:worker_threads';

/** What a worker posts back for each task: its value, or the error it threw (as plain data). */
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

interface Slot {
  worker: Worker;
  pending: { id: number; resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  /** Set once the worker has died: every later task on it fails with this. */
  dead: Error | undefined;
}

/**
 * A fixed set of worker threads running `script`, each given one task at a
 * time by its index (the caller schedules). A task
 * the worker's handler throws on rejects with that error's name and message;
 * a worker that dies (an uncaught error, `process.exit`, running out of
 * memory) rejects its task, and every later one, with why it died, so a
 * caller never waits forever. Idle workers do not keep the process alive;
 * `close` terminates them all.
 */
export class WorkerPool {
  readonly size: number;
  readonly #slots: Slot[];
  #nextId = 0;
  #closed = false;

  /** `workerData(i)` is what worker `i` (0-based) starts with. */
  constructor(script: URL, size: number, workerData: (index: number) => unknown) {
    this.size = size;
    this.#slots = Array.from({ length: size }, (_, index) => {
      const slot: Slot = { worker: new Worker(script, { workerData: workerData(index) }), pending: undefined, dead: undefined };
      slot.worker.unref();
      slot.worker.on('message', (reply: Reply) => {
        const task = slot.pending;
        if (task === undefined || task.id !== reply.id) return;
        this.#settle(slot);
        if (reply.ok) task.resolve(reply.value);
        else task.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      });
      slot.worker.on('error', (error) => this.#die(slot, index, `it threw ${error.name}: ${error.message}`));
      slot.worker.on('exit', (code) => this.#die(slot, index, `it exited with code ${code}`));
      return slot;
    });
  }

  /** Gives worker `index` a task; it must be idle (no task of its own pending). */
  run<T>(index: number, task: object, transfer: readonly Transferable[] = []): Promise<T> {
    const slot = this.#slots[index];
    if (this.#closed) return Promise.reject(new Error('the worker pool is closed'));
    if (slot.dead !== undefined) return Promise.reject(slot.dead);
    if (slot.pending !== undefined) return Promise.reject(new Error(`worker ${index + 1} is busy`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending = { id, resolve: resolve as (value: unknown) => void, reject };
      slot.worker.ref();
      slot.worker.postMessage({ id, task }, [...transfer]);
    });
  }

  /** Terminates every worker; tasks still running reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) slot.pending?.reject(new Error('the worker pool was closed'));
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
  }

  #settle(slot: Slot): void {
    slot.pending = undefined;
    slot.worker.unref();
  }

  #die(slot: Slot, index: number, why: string): void {
    if (this.#closed || slot.dead !== undefined) return;
    slot.dead = new Error(`worker ${index + 1} stopped: ${why}`);
    const task = slot.pending;
    this.#settle(slot);
    task?.reject(slot.dead);
  }
}

/**
 * The worker side of {@link WorkerPool}: answers each task with what
 * `handle(task)` resolves to (small values: the structured clone copies it),
 * or with the name and message of the error it throws.
 */
export function serveTasks(handle: (task: never) => Promise<unknown>): void {
  if (parentPort === null) throw new Error('serveTasks: expected to run in a worker thread');
  const port = parentPort;
  port.on('message', async ({ id, task }: { id: number; task: never }) => {
    let reply: Reply;
    try {
      reply = { id, ok: true, value: await handle(task) };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      reply = { id, ok: false, error: { name: e.name, message: e.message } };
    }
    port.postMessage(reply);
  });
}
