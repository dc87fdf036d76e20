import { expect, test } from 'vitest';
import { SerialQueue } from './serial-queue.ts';

test('tasks run one at a time in order, and a failure does not stop the queue', async () => {
  const queue = new SerialQueue();
  const log: string[] = [];
  const slow = (name: string, ms: number) => async () => {
    log.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`end ${name}`);
    return name;
  };
  const a = queue.run(slow('a', 20));
  const b = queue.run(async () => {
    log.push('b fails');
    throw new Error('b');
  });
  const c = queue.run(slow('c', 1));
  expect(queue.size).toBe(3);
  await expect(a).resolves.toBe('a');
  await expect(b).rejects.toThrow('b');
  await expect(c).resolves.toBe('c');
  expect(log).toEqual(['start a', 'end a', 'b fails', 'start c', 'end c']);
  expect(queue.size).toBe(0);
});
