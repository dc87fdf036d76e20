import { MatFormatError } from '../errors.js';
import { describeValue } from './describe-value.js';
import type { MatFile, MatValue } from './mat-value.js';
import { offsetOf, recordOffset } from './value-offsets.js';

/**
 * The value at a MATLAB-style path: a variable name followed by `{i}` (cell
 * element), `(i)` (struct array element) and `.field` steps, with 1-based
 * linear indices, e.g. `image_info{1}.location` in a ShanghaiTech file. A path
 * the file does not have throws MatFormatError naming `source`.
 */
export function getPath(file: MatFile, path: string, source?: string): MatValue {
  const steps = /^([^.{}()]+)((?:\.[^.{}()]+|\{\d+\}|\(\d+\))*)$/.exec(path);
  if (steps === null) throw new TypeError(`getPath: cannot parse ${JSON.stringify(path)}`);
  const [, name, rest] = steps;
  let value = file.variables.get(name);
  if (value === undefined) {
    const names = [...file.variables.keys()].join(', ') || 'none';
    throw new MatFormatError('MAT_FORMAT', source, 0, `no variable ${name} (the file holds: ${names})`);
  }
  let at = name;
  for (const [step] of rest.matchAll(/\.[^.{}()]+|\{\d+\}|\(\d+\)/g)) {
    const current: MatValue = value;
    const fail = (problem: string) => new MatFormatError('MAT_FORMAT', source, offsetOf(current), `${at}${step}: ${problem}, but ${at} is ${describeValue(current)}`);
    if (step.startsWith('.')) {
      const field = step.slice(1);
      if (current.kind !== 'struct' || current.elements.length !== 1) throw fail('needs a 1×1 struct');
      if (!current.fieldNames.includes(field)) throw fail(`no field ${field} (fields: ${current.fieldNames.join(', ')})`);
      value = current.elements[0][field];
    } else {
      const index = (length: number): number => {
        const i = Number(step.slice(1, -1)) - 1;
        if (!(i >= 0 && i < length)) throw fail(`index ${i + 1} is outside 1..${length}`);
        return i;
      };
      if (step.startsWith('{')) {
        if (current.kind !== 'cell') throw fail('needs a cell');
        value = current.cells[index(current.cells.length)];
      } else {
        if (current.kind !== 'struct') throw fail('needs a struct array');
        const element: Record<string, MatValue> = current.elements[index(current.elements.length)];
        value = recordOffset({ kind: 'struct', dims: [1, 1], fieldNames: current.fieldNames, elements: [element] }, offsetOf(current));
      }
    }
    at += step;
  }
  return value;
}
