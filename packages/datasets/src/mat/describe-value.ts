import type { MatValue } from './mat-value.js';

/** A value as MATLAB's workspace shows it, for error messages: "double 120×2", "complex int16 1×3", "cell 1×1". */
export function describeValue(value: MatValue): string {
  const size = value.dims.join('×');
  switch (value.kind) {
    case 'numeric':
      return `${value.imag === undefined ? '' : 'complex '}${value.class} ${size}`;
    case 'sparse':
      return `sparse ${value.logical ? 'logical' : 'double'} ${size}`;
    default:
      return `${value.kind} ${size}`;
  }
}
