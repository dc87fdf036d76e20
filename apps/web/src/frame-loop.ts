import { nextFrameDelay } from './frame-schedule.ts';

/**
 * Runs `step` (one camera frame) again and again, waiting between frames so
 * that one starts about every `interval()` ms. Frames never overlap, and the
 * page stays responsive in the gaps (the counting itself runs in the worker).
 * A failing step stops the loop and goes to `onError`.
 */
export class FrameLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = false;

  constructor(
    private readonly step: () => Promise<void>,
    private readonly interval: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    void this.tick();
  }

  stop(): void {
    this.active = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (!this.active) return;
    const start = performance.now();
    try {
      await this.step();
    } catch (error) {
      this.stop();
      this.onError(error);
      return;
    }
    if (!this.active) return;
    this.timer = setTimeout(() => void this.tick(), nextFrameDelay(this.interval(), performance.now() - start));
  }
}
