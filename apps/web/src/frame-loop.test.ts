import { expect, test } from 'vitest';
import { FrameLoop } from './frame-loop.ts';

test('frames run one after another until stopped; an error stops the loop', async () => {
  let frames = 0;
  let overlapping = false;
  let busy = false;
  const loop = new FrameLoop(
    async () => {
      overlapping ||= busy;
      busy = true;
      frames += 1;
      await new Promise((r) => setTimeout(r, 5));
      busy = false;
    },
    () => 1,
    () => {},
  );
  loop.start();
  loop.start(); // no second loop
  await new Promise((r) => setTimeout(r, 300));
  loop.stop();
  const seen = frames;
  await new Promise((r) => setTimeout(r, 150));
  expect(frames).toBe(seen);
  expect(seen).toBeGreaterThanOrEqual(2);
  expect(overlapping).toBe(false);
  expect(loop.running).toBe(false);

  const errors: unknown[] = [];
  const failing = new FrameLoop(async () => Promise.reject(new Error('camera gone')), () => 1, (e) => errors.push(e));
  failing.start();
  await new Promise((r) => setTimeout(r, 20));
  expect(failing.running).toBe(false);
  expect(errors).toHaveLength(1);
});
