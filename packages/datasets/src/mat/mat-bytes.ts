import { MatFormatError } from '../errors.js';

export type MatErrorCode = ConstructorParameters<typeof MatFormatError>[0];

/**
 * Bytes being parsed, with what an error needs to point into them: the file's
 * name, and — for the data inflated from an miCOMPRESSED element — where that
 * element sits in the file, since an offset into inflated data means nothing
 * in a hex editor.
 */
export class MatBytes {
  readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
    readonly source: string | undefined,
    /** File offset of the miCOMPRESSED element these bytes were inflated from, if they were. */
    readonly inflatedFrom?: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** The file offset to report for position `pos` of these bytes. */
  fileOffset(pos: number): number {
    return this.inflatedFrom ?? pos;
  }

  fail(code: MatErrorCode, pos: number, message: string, cause?: unknown): MatFormatError {
    const where = this.inflatedFrom === undefined ? '' : ` (byte ${pos} of the data inflated from the miCOMPRESSED element)`;
    return new MatFormatError(code, this.source, this.fileOffset(pos), message + where, cause === undefined ? undefined : { cause });
  }

  /** Callers check bounds first (readElement does), so these never throw RangeError. */
  u32(pos: number): number {
    return this.view.getUint32(pos, this.littleEndian);
  }

  i32(pos: number): number {
    return this.view.getInt32(pos, this.littleEndian);
  }
}
