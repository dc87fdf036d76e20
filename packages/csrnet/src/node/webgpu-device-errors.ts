import { CsrnetError } from '../errors.js';

/** A WebGPU error as `popErrorScope` and `uncapturederror` give it (`GPUValidationError`, `GPUOutOfMemoryError`, `GPUInternalError`). */
interface GpuErrorLike {
  readonly message: string;
}

/** The parts of a `GPUDevice` the monitor uses. */
export interface ErrorReportingDevice {
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuErrorLike | null>;
  addEventListener(type: 'uncapturederror', listener: (event: { error: GpuErrorLike }) => void): void;
  readonly lost: Promise<{ reason: string; message: string }>;
}

const FILTERS = ['validation', 'out-of-memory', 'internal'] as const;

function describeError(error: GpuErrorLike): string {
  const kind = error.constructor?.name && error.constructor.name !== 'Object' ? error.constructor.name : 'GPUError';
  return `${kind}: ${error.message.split('\n')[0]}`;
}

/**
 * Turns what a WebGPU device reports asynchronously into a typed error at a
 * point where results are used. Dawn answers an invalid command (a buffer
 * past `maxStorageBufferBindingSize`, an allocation that does not fit) with
 * an error event and carries on: the kernel does not run and tfjs returns
 * whatever the output buffer held. So the monitor keeps one error scope of
 * each kind open at all times; {@link checkpoint} (called after each read)
 * closes them, which resolves once every command issued so far has been
 * validated, and opens fresh ones at once. Uncaptured errors and device
 * loss are recorded too.
 *
 * A failure is sticky: any tensor computed after it may be wrong, so every
 * later read and forward throws `CsrnetError('DEVICE_ERROR')`.
 */
export class DeviceErrorMonitor {
  private failure: string | undefined;
  private count = 0;

  constructor(private readonly device: ErrorReportingDevice) {
    device.addEventListener('uncapturederror', (event) => this.record(`uncaptured ${describeError(event.error)}`));
    void device.lost.then((info) => this.record(`the device was lost (${info.reason}): ${info.message}`));
    this.open();
  }

  private open(): void {
    for (const filter of FILTERS) this.device.pushErrorScope(filter);
  }

  private record(what: string): void {
    this.count += 1;
    this.failure ??= what;
  }

  /** Whether the device has reported an error or was lost. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Waits until every command issued so far has been validated, recording any error. */
  async checkpoint(): Promise<void> {
    const closing = FILTERS.map(() => this.device.popErrorScope());
    // Reopen synchronously, so that no command runs outside a scope.
    this.open();
    const results = await Promise.allSettled(closing);
    for (const result of results) {
      if (result.status === 'fulfilled' && result.value !== null) this.record(describeError(result.value));
      // A lost device rejects popErrorScope; `lost` records why.
    }
  }

  /** Throws `CsrnetError('DEVICE_ERROR')` if the device has failed; `where` names the caller, `cause` the error being replaced. */
  throwIfFailed(where: string, cause?: unknown): void {
    if (this.failure === undefined) return;
    const more = this.count > 1 ? ` (and ${this.count - 1} more report${this.count > 2 ? 's' : ''})` : '';
    throw new CsrnetError(
      'DEVICE_ERROR',
      undefined,
      `${where}: the webgpu device reported ${this.failure}${more}; tensors computed on it since may be wrong, so it is not used any more (restart the process)`,
      cause === undefined ? undefined : { cause },
    );
  }
}
