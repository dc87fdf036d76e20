const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n

/**
 * Where the HDF5 signature is, if anywhere. MATLAB v7.3 files are HDF5 with a
 * 512-byte user block holding the MAT header text, so the signature is at
 * 512; a plain HDF5 file has it at 0.
 */
export function hdf5SignatureOffset(bytes: Uint8Array): number | undefined {
  return [0, 512].find((offset) => offset + SIGNATURE.length <= bytes.length && SIGNATURE.every((byte, i) => bytes[offset + i] === byte));
}
