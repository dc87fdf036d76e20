import type { ParameterSpec } from './architecture.js';
import { CsrnetError } from './errors.js';
import { assertFiniteTensors } from './finite.js';
import { oihwToHwio, tfjsShape } from './layout.js';
import type { NamedTensors } from './named-tensors.js';

/** `OIHW`: PyTorch's conv-weight layout (NamedTensors, state dicts); `HWIO`: tfjs's (saved tfjs models). */
export type WeightLayout = 'OIHW' | 'HWIO';

/** A parameter's value in tfjs layout. */
export interface TfjsParameter {
  shape: number[];
  data: Float32Array;
}

const MAX_LISTED = 8;
const fmt = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/**
 * Checks that `tensors` holds exactly the parameters in `specs` (names and
 * shapes in `layout`; with `allowMissing`, a subset), each a Float32Array of
 * the right length. Every problem is reported at once, e.g. `expected
 * frontend.0.weight [64,3,3,3], found [32,3,3,3]`, as
 * `CsrnetError('WEIGHTS_MISMATCH', source)`; then that every value is finite
 * (`WEIGHTS_NOT_FINITE`), since every load path passes here.
 */
export function checkParameters(
  specs: readonly ParameterSpec[],
  tensors: NamedTensors,
  layout: WeightLayout,
  source: string | undefined,
  allowMissing = false,
): void {
  const expectedShape = (spec: ParameterSpec): number[] => (layout === 'OIHW' ? spec.shape : tfjsShape(spec.shape));
  const suffix = layout === 'OIHW' ? '' : ` (${layout})`;
  // Missing and unexpected names first: they usually explain the shape mismatches.
  const missing: string[] = [];
  const misshaped: string[] = [];
  const known = new Set(specs.map((s) => s.name));
  for (const spec of specs) {
    const tensor = tensors.get(spec.name);
    const shape = expectedShape(spec);
    if (tensor === undefined) {
      if (!allowMissing) missing.push(`missing ${spec.name} ${fmt(shape)}${suffix}`);
    } else if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      misshaped.push(`expected ${spec.name} ${fmt(shape)}${suffix}, found ${fmt(tensor.shape)}`);
    }
  }
  const unexpected = [...tensors].filter(([name]) => !known.has(name)).map(([name, t]) => `unexpected ${name} ${fmt(t.shape)}`);
  const problems = [...missing, ...unexpected, ...misshaped];
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).join('; ');
    const more = problems.length > MAX_LISTED ? `; and ${problems.length - MAX_LISTED} more` : '';
    throw new CsrnetError('WEIGHTS_MISMATCH', source, `${problems.length} weight(s) do not fit this CSRNet: ${listed}${more}`);
  }
  for (const spec of specs) {
    const tensor = tensors.get(spec.name);
    if (tensor === undefined) continue;
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (!(tensor.data instanceof Float32Array) || tensor.data.length !== size) {
      const found = tensor.data instanceof Float32Array ? `${tensor.data.length} float32 values` : Object.prototype.toString.call(tensor.data);
      throw new CsrnetError('WEIGHTS_FORMAT', source, `${spec.name} ${fmt(tensor.shape)}: expected ${size} float32 values, found ${found}`);
    }
  }
  assertFiniteTensors(tensors, source);
}

/**
 * {@link checkParameters}, then the values in tfjs layout (HWIO conv
 * weights), in spec order.
 */
export function matchParameters(
  specs: readonly ParameterSpec[],
  tensors: NamedTensors,
  layout: WeightLayout,
  source: string | undefined,
  allowMissing = false,
): Map<string, TfjsParameter> {
  checkParameters(specs, tensors, layout, source, allowMissing);
  const out = new Map<string, TfjsParameter>();
  for (const spec of specs) {
    const tensor = tensors.get(spec.name);
    if (tensor === undefined) continue;
    const data = layout === 'OIHW' && spec.shape.length === 4 ? oihwToHwio(tensor.data, spec.shape) : tensor.data;
    out.set(spec.name, { shape: tfjsShape(spec.shape), data });
  }
  return out;
}
