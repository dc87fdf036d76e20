import type * as H5 from 'h5wasm';
import { DatasetError, LimitExceededError, MatFormatError } from '../errors.js';
import { charArray, codeUnits } from './char-array.js';
import type { MatErrorCode } from './mat-bytes.js';
import { zlibStreamsWithin } from '../zlib-streams-within.js';
import { globalHeapProblem } from './hdf5-global-heaps.js';
import { InflationBudget, resolveMatReadOptions, type MatReadOptions } from './mat-read-options.js';
import type { MatCell, MatFile, MatNumeric, MatNumericArray, MatNumericClass, MatSparse, MatStruct, MatValue } from './mat-value.js';
import { classOfArray, emptyArray, emptyDouble, isNumericClass, toClassArray, toLogical } from './numeric-class.js';
import { indexArray, sparseProblem } from './sparse-check.js';
import { recordOffset } from './value-offsets.js';

type H5Module = typeof H5;

/** Reference cycles are possible in HDF5; MATLAB never nests this deep. */
const MAX_DEPTH = 200;
/** MATLAB compresses v7.3 data with deflate, which cannot expand more than 1032:1. */
const MAX_DEFLATE_RATIO = 1032;
/** HDF5 type classes MATLAB's attributes never use: a variable-length value's size is not in its metadata. */
const H5T_VLEN = 9;
/** The bytes a fixed-size MATLAB attribute (a class name, a flag, a row count) may take. */
const MAX_ATTRIBUTE_BYTES = 64 * 1024;
/** MATLAB limits field names to 63 characters; longer ones are garbage. */
const MAX_FIELD_NAME = 4096;

let loading: Promise<H5Module> | undefined;
let instances = 0;
let fileCount = 0;

/**
 * h5wasm is loaded on first use: it carries a multi-megabyte WebAssembly build
 * of the HDF5 library that v5 readers never need. After a crash (see
 * isWasmCrash) the next call loads a fresh copy: a new module URL is a new
 * module record, so a new WebAssembly instance with memory of its own.
 */
function loadH5wasm(): Promise<H5Module> {
  if (loading === undefined) {
    const instance = instances++;
    const module = instance === 0 ? import('h5wasm') : (import(/* @vite-ignore */ `${import.meta.resolve('h5wasm')}?instance=${instance}`) as Promise<H5Module>);
    loading = module.then(async (h5) => {
      await h5.ready;
      return h5;
    });
  }
  return loading;
}

/**
 * A trap (an out-of-bounds access, a null function pointer) or an abort in
 * HDF5's C code: that instance's memory is then corrupt, and the next call
 * into it crashed or hung (a fuzzer found the sequence), so it is dropped.
 */
function isWasmCrash(error: unknown): boolean {
  return error instanceof WebAssembly.RuntimeError;
}

/**
 * Reads a MAT-file v7.3: an HDF5 file (signature at `hdf5At`, 512 when MATLAB
 * wrote it) whose datasets and groups carry MATLAB_class attributes. MATLAB
 * stores arrays column-major, so an HDF5 shape is the MATLAB dims reversed and
 * the data is already in MATLAB's order. Each dataset's declared size is
 * checked before it is read: unfiltered data must fit in the file, and
 * compressed data is charged to the `options` budgets.
 */
export async function readMatV73(bytes: Uint8Array, hdf5At: number, source: string | undefined, options?: MatReadOptions): Promise<MatFile> {
  const limits = resolveMatReadOptions(options);
  // HDF5 would inflate a crafted chunk to whatever it holds before noticing (see zlibStreamsWithin).
  if (!zlibStreamsWithin(bytes, limits.maxInflatedBytes)) {
    throw new LimitExceededError(source, {
      option: 'maxInflatedBytes',
      limit: limits.maxInflatedBytes,
      needed: limits.maxInflatedBytes + 1,
      message: `the compressed data of this v7.3 (HDF5) file inflates to more than the budget of ${limits.maxInflatedBytes} bytes per file (MAT read option maxInflatedBytes)`,
    });
  }
  // HDF5 would spin forever on some corrupt heaps (see globalHeapProblem).
  const heapProblem = globalHeapProblem(bytes);
  if (heapProblem !== undefined) throw new MatFormatError('MAT_FORMAT', source, hdf5At, `corrupt v7.3 (HDF5) data: ${heapProblem}`);
  const budget = new InflationBudget(limits, source);
  const h5 = await loadH5wasm();
  const runtime = await h5.ready;
  // h5wasm reads files from its in-memory file system.
  const path = `/crowd-mat-${++fileCount}.mat`;
  runtime.FS.writeFile(path, bytes);
  // HDF5 errors become thrown Errors instead of pages of HDF5-DIAG on stderr.
  // The handler is process-global (for this h5wasm instance), and everything
  // below is synchronous, so it is switched back before anything else runs.
  runtime.activate_throwing_error_handler();
  let crashed = false;
  try {
    const file = new h5.File(path, 'r');
    try {
      const reader = new V73Reader(h5, runtime, file, source, hdf5At, bytes.length, budget);
      const variables = new Map<string, MatValue>();
      // '#refs#' holds what cells and struct arrays point to; '#subsystem#' MATLAB's object data.
      for (const name of file.keys().filter((key) => !key.startsWith('#'))) {
        variables.set(name, reader.read(file.get(name), name, 0));
      }
      return { ...v73Header(bytes, hdf5At), version: 'v7.3', variables };
    } finally {
      file.close();
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    if (isWasmCrash(error)) {
      crashed = true;
      loading = undefined;
      throw new MatFormatError('MAT_FORMAT', source, hdf5At, `unreadable v7.3 (HDF5) data: HDF5 crashed on it (${(error as Error).message.split('.')[0]}); a fresh copy is loaded for the next file`, { cause: error });
    }
    const reason = hdf5Reason(error);
    const code = reason.startsWith('truncated file') ? 'MAT_TRUNCATED' : 'MAT_FORMAT';
    throw new MatFormatError(code, source, hdf5At, `unreadable v7.3 (HDF5) data: ${reason}`, { cause: error });
  } finally {
    // A crashed instance is dropped as it is.
    if (!crashed) {
      runtime.deactivate_throwing_error_handler();
      runtime.FS.unlink(path);
    }
  }
}

/** The innermost frame of an HDF5 error stack says what went wrong ("truncated file: eof = ..."). */
function hdf5Reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const frames = [...message.matchAll(/#\d+: .* in [\w:]+\(\): (.*)$/gm)];
  return frames.at(-1)?.[1].trim() ?? message.trim();
}

/** The MAT header MATLAB writes into the HDF5 user block, when there is one. */
function v73Header(bytes: Uint8Array, hdf5At: number): { header: string; littleEndian: boolean } {
  const indicator = hdf5At >= 128 ? String.fromCharCode(bytes[126], bytes[127]) : '';
  if (indicator !== 'IM' && indicator !== 'MI') return { header: '', littleEndian: true };
  const header = String.fromCharCode(...bytes.subarray(0, 116)).replace(/[\s\0]+$/, '');
  return { header, littleEndian: indicator === 'IM' };
}

class V73Reader {
  constructor(
    private readonly h5: H5Module,
    private readonly runtime: Awaited<H5Module['ready']>,
    private readonly file: H5.File,
    private readonly source: string | undefined,
    private readonly hdf5At: number,
    private readonly fileLength: number,
    private readonly budget: InflationBudget,
  ) {}

  read(entity: H5.Entity | null, path: string, depth: number): MatValue {
    if (depth > MAX_DEPTH) throw this.fail('MAT_FORMAT', `${path}: values nested more than ${MAX_DEPTH} deep`);
    let value: MatValue;
    if (entity instanceof this.h5.Group) value = this.group(entity, path, depth);
    else if (entity instanceof this.h5.Dataset) value = this.dataset(entity, path, depth);
    else throw this.fail('MAT_UNSUPPORTED', `${path} is ${entity === null ? 'missing' : 'not an HDF5 dataset or group'}, so not a MATLAB value`);
    return recordOffset(value, this.hdf5At);
  }

  private fail(code: MatErrorCode, message: string): MatFormatError {
    return new MatFormatError(code, this.source, this.hdf5At, message);
  }

  /** A fixed-size attribute's value; anything else (variable-length, or large) is not MATLAB's. */
  private attr(entity: H5.Dataset | H5.Group, name: string): H5.OutputData | null | undefined {
    const attribute = entity.attrs[name];
    if (attribute === undefined) return undefined;
    const { type, vlen, size, total_size: count } = attribute.metadata;
    if (type === H5T_VLEN || vlen || size * count > MAX_ATTRIBUTE_BYTES) {
      throw this.fail('MAT_FORMAT', `${entity.path}: attribute ${name} has HDF5 type ${JSON.stringify(attribute.dtype)} (${count} values), not what MATLAB writes`);
    }
    return attribute.value;
  }

  private matlabClass(entity: H5.Dataset | H5.Group): string | undefined {
    const cls = this.attr(entity, 'MATLAB_class');
    return typeof cls === 'string' ? cls : undefined;
  }

  /** Field names in MATLAB's order (MATLAB_fields: one char array per name), else HDF5's. */
  private fieldNames(entity: H5.Dataset | H5.Group): string[] | undefined {
    const attribute = entity.attrs['MATLAB_fields'];
    if (attribute === undefined) return entity instanceof this.h5.Group ? entity.keys() : undefined;
    return this.charArrays(attribute, `${entity.path}: attribute MATLAB_fields`);
  }

  /**
   * A variable-length attribute of char arrays (MATLAB_fields), read from
   * h5wasm's memory here rather than by `attribute.value`: h5wasm turns each
   * character into a string of its own, so a corrupt length of 10⁸ held it
   * for minutes. Each length is checked before its characters are read.
   */
  private charArrays(attribute: H5.Attribute, what: string): string[] {
    const { type, size, total_size: count, vlen_type: base } = attribute.metadata;
    if (type !== H5T_VLEN || base?.size !== 1 || size !== 8 || count * 8 > MAX_ATTRIBUTE_BYTES) {
      throw this.fail('MAT_FORMAT', `${what} has HDF5 type ${JSON.stringify(attribute.dtype)} (${count} values), not MATLAB's variable-length char arrays`);
    }
    const runtime = this.runtime;
    const pointer = runtime._malloc(size * count);
    if (pointer === 0) throw this.fail('MAT_FORMAT', `${what}: cannot allocate ${size * count} bytes`);
    try {
      runtime.get_attribute_data(attribute.file_id, attribute.path, attribute.name, BigInt(pointer));
      try {
        // hvl_t in wasm32: a 4-byte length, then a 4-byte pointer to the characters.
        const pairs = new Uint32Array(runtime.HEAPU8.slice(pointer, pointer + size * count).buffer);
        const names: string[] = [];
        for (let i = 0; i < count; i++) {
          const [length, at] = [pairs[2 * i], pairs[2 * i + 1]];
          if (length > MAX_FIELD_NAME || at + length > runtime.HEAPU8.length) throw this.fail('MAT_FORMAT', `${what}: name ${i + 1} claims ${length} characters`);
          names.push(String.fromCharCode(...runtime.HEAPU8.subarray(at, at + length)));
        }
        return names;
      } finally {
        runtime.reclaim_vlen_memory(attribute.file_id, attribute.path, attribute.name, BigInt(pointer));
      }
    } finally {
      runtime._free(pointer);
    }
  }

  private dims(shape: number[] | null, path: string): number[] {
    if (shape === null) throw this.fail('MAT_FORMAT', `${path}: dataset has no dataspace`);
    const dims = [...shape].reverse();
    while (dims.length < 2) dims.push(1);
    return dims;
  }

  /**
   * The dataset's data, after checking that its declared size could come from
   * this file: stored as is (no filter), it must fit in the file; compressed,
   * it must be within DEFLATE's reach and is charged to the inflation budget,
   * with the whole file as its compressed size (HDF5 does not say less).
   */
  private values(dataset: H5.Dataset, path: string): H5.OutputData {
    const { size, total_size: count, type, vlen } = dataset.metadata;
    // Variable-length data declares no size (and h5wasm reads it a character at a time); MATLAB writes none.
    if (type === H5T_VLEN || vlen) throw this.fail('MAT_UNSUPPORTED', `${path}: variable-length HDF5 data ${JSON.stringify(dataset.dtype)} is not MATLAB data`);
    const bytes = size * count;
    const filtered = dataset.filters.length > 0;
    const reach = filtered ? this.fileLength * MAX_DEFLATE_RATIO + (1 << 20) : this.fileLength;
    if (bytes > reach) {
      throw this.fail('MAT_FORMAT', `${path}: dataset declares ${bytes} bytes${filtered ? '' : ', stored uncompressed'}, more than this ${this.fileLength}-byte file can hold`);
    }
    if (filtered) this.budget.take(bytes, this.fileLength, `${path} (a compressed v7.3 dataset)`);
    const data = dataset.value;
    if (data === null) throw this.fail('MAT_FORMAT', `${path}: dataset has no data`);
    return data;
  }

  private dataset(dataset: H5.Dataset, path: string, depth: number): MatValue {
    const cls = this.matlabClass(dataset);
    if (this.attr(dataset, 'MATLAB_empty')) return this.empty(dataset, cls, path);
    const dims = this.dims(dataset.shape, path);
    const count = dims.reduce((a, b) => a * b, 1);
    switch (cls) {
      case 'cell': {
        const refs = this.references(dataset, count, path);
        const cells = refs.map((ref, i) => this.read(this.dereference(ref, path), `${path}{${i + 1}}`, depth + 1));
        return { kind: 'cell', dims, cells } satisfies MatCell;
      }
      case 'char': {
        const units = this.numbers(dataset, count, path);
        return charArray(dims, codeUnits(Array.from(units, Number)));
      }
      case 'logical': {
        return { kind: 'logical', dims, data: toLogical(this.numbers(dataset, count, path)) };
      }
      case 'canonical empty':
        return emptyDouble();
      case undefined:
        // Not written by MATLAB: read a plain numeric dataset as the class of its type.
        return this.numeric(dataset, undefined, dims, count, path);
      default:
        if (isNumericClass(cls)) return this.numeric(dataset, cls, dims, count, path);
        throw this.fail('MAT_UNSUPPORTED', `${path} is a MATLAB ${cls}, which is not supported`);
    }
  }

  /** MATLAB writes an empty array as a dataset of its dims (uint64) marked MATLAB_empty. */
  private empty(dataset: H5.Dataset, cls: string | undefined, path: string): MatValue {
    const data = this.values(dataset, path);
    const dims = ArrayBuffer.isView(data) ? Array.from(data as ArrayLike<number | bigint>, Number) : [];
    if (dims.length < 2 || dims.some((dim) => !(dim >= 0)) || dims.reduce((a, b) => a * b, 1) !== 0) {
      throw this.fail('MAT_FORMAT', `${path}: an empty array's stored dims ${JSON.stringify(dims)} are not those of an empty array`);
    }
    switch (cls) {
      case 'cell':
        return { kind: 'cell', dims, cells: [] };
      case 'struct':
        return { kind: 'struct', dims, fieldNames: this.fieldNames(dataset) ?? [], elements: [] };
      case 'char':
        return charArray(dims, []);
      case 'logical':
        return { kind: 'logical', dims, data: new Uint8Array(0) };
      case 'canonical empty':
        return emptyDouble();
      default:
        if (cls !== undefined && isNumericClass(cls)) return { kind: 'numeric', class: cls, dims, real: emptyArray(cls) };
        throw this.fail('MAT_UNSUPPORTED', `${path} is an empty MATLAB ${cls ?? 'value without MATLAB_class'}, which is not supported`);
    }
  }

  private numbers(dataset: H5.Dataset, count: number, path: string): MatNumericArray {
    const data = this.values(dataset, path);
    const values = typeof data === 'number' ? Float64Array.of(data) : data;
    if (classOfArray(values) === undefined) throw this.fail('MAT_FORMAT', `${path}: expected numeric data, found HDF5 type ${JSON.stringify(dataset.dtype)}`);
    const array = values as MatNumericArray;
    if (array.length !== count) throw this.fail('MAT_FORMAT', `${path}: ${array.length} values for dims that need ${count}`);
    return array;
  }

  private numeric(dataset: H5.Dataset, cls: MatNumericClass | undefined, dims: number[], count: number, path: string): MatNumeric {
    const inClass = (values: MatNumericArray, as: MatNumericClass): MatNumericArray => {
      const converted = toClassArray(values, as);
      if (converted === null) throw this.fail('MAT_FORMAT', `${path}: ${as} data stored as non-integer floating point`);
      return converted;
    };
    if (dataset.metadata.compound_type === undefined) {
      const real = this.numbers(dataset, count, path);
      const as = cls ?? classOfArray(real)!;
      return { kind: 'numeric', class: as, dims, real: inClass(real, as) };
    }
    // Complex data is a compound of 'real' and 'imag' members.
    const members = dataset.metadata.compound_type.members.map((member) => member.name);
    const data = this.values(dataset, path);
    if (cls === undefined || members.join() !== 'real,imag' || !Array.isArray(data) || data.length !== count) {
      throw this.fail('MAT_UNSUPPORTED', `${path}: compound HDF5 data ${JSON.stringify(dataset.dtype)} is not MATLAB complex data`);
    }
    const pairs = data as Array<[number | bigint, number | bigint]>;
    const part = (i: 0 | 1) => inClass(Float64Array.from(pairs, (pair) => Number(pair[i])), cls);
    return { kind: 'numeric', class: cls, dims, real: part(0), imag: part(1) };
  }

  private references(dataset: H5.Dataset, count: number, path: string): H5.Reference[] {
    const data = this.values(dataset, path);
    const refs = Array.isArray(data) ? data : [data];
    if (refs.length !== count || !refs.every((ref) => ref instanceof this.h5.Reference)) {
      throw this.fail('MAT_FORMAT', `${path}: expected ${count} object references, found ${JSON.stringify(dataset.dtype)} data`);
    }
    return refs as H5.Reference[];
  }

  private dereference(ref: H5.Reference, path: string): H5.Entity {
    const target = this.file.dereference(ref);
    if (target === null || target instanceof this.h5.DatasetRegion) throw this.fail('MAT_FORMAT', `${path}: broken object reference`);
    return target;
  }

  private group(group: H5.Group, path: string, depth: number): MatValue {
    const nrows = this.attr(group, 'MATLAB_sparse');
    if (nrows !== undefined) return this.sparse(group, Number(nrows), path);
    const cls = this.matlabClass(group);
    if (cls !== 'struct') throw this.fail('MAT_UNSUPPORTED', `${path} is ${cls === undefined ? 'an HDF5 group without MATLAB_class' : `a MATLAB ${cls}`}, which is not supported`);
    const fieldNames = this.fieldNames(group) ?? [];
    const members = fieldNames.map((name) => {
      const member = group.get(name);
      if (member === null) throw this.fail('MAT_FORMAT', `${path}: field ${name} is listed but missing`);
      return member;
    });
    // A struct array stores each field as a dataset of references, one per element, without MATLAB_class.
    const first = members[0];
    const isArray = first instanceof this.h5.Dataset && first.metadata.ref_type === 'object' && this.matlabClass(first) === undefined;
    if (!isArray) {
      const fields = fieldNames.map((name, i) => [name, this.read(members[i], `${path}.${name}`, depth + 1)]);
      return { kind: 'struct', dims: [1, 1], fieldNames, elements: [Object.fromEntries(fields)] } satisfies MatStruct;
    }
    const dims = this.dims(first.shape, path);
    const count = dims.reduce((a, b) => a * b, 1);
    const refs = members.map((member, f) => {
      if (!(member instanceof this.h5.Dataset)) throw this.fail('MAT_FORMAT', `${path}: field ${fieldNames[f]} of a struct array is not a dataset of references`);
      return this.references(member, count, `${path}.${fieldNames[f]}`);
    });
    const elements = Array.from({ length: count }, (_, i) =>
      Object.fromEntries(fieldNames.map((name, f) => [name, this.read(this.dereference(refs[f][i], path), `${path}(${i + 1}).${name}`, depth + 1)])),
    );
    return { kind: 'struct', dims, fieldNames, elements } satisfies MatStruct;
  }

  /** A sparse matrix is a group with MATLAB_sparse = rows and datasets jc, ir and data (the last two absent when all zero). */
  private sparse(group: H5.Group, rows: number, path: string): MatSparse {
    const member = (name: string): H5.Dataset | undefined => {
      const entity = group.get(name);
      if (entity === null) return undefined;
      if (!(entity instanceof this.h5.Dataset)) throw this.fail('MAT_FORMAT', `${path}: sparse member ${name} is not a dataset`);
      return entity;
    };
    const jcSet = member('jc');
    if (jcSet === undefined || !(rows >= 0)) throw this.fail('MAT_FORMAT', `${path}: sparse matrix without jc or a row count`);
    const jc = indexArray(this.numbers(jcSet, jcSet.metadata.total_size, `${path}.jc`));
    const cols = jc.length - 1;
    const nonzeros = jc[cols] ?? 0;
    const irSet = member('ir');
    const ir = irSet === undefined ? new Int32Array(0) : indexArray(this.numbers(irSet, irSet.metadata.total_size, `${path}.ir`));
    const problem = sparseProblem(rows, cols, ir, jc);
    if (problem !== undefined) throw this.fail('MAT_FORMAT', `${path}: ${problem}`);
    const dataSet = member('data');
    let real = new Float64Array(nonzeros);
    let imag: Float64Array | undefined;
    if (dataSet !== undefined) {
      const value = this.numeric(dataSet, 'double', [dataSet.metadata.total_size, 1], dataSet.metadata.total_size, `${path}.data`);
      if (value.real.length < nonzeros) throw this.fail('MAT_FORMAT', `${path}: ${value.real.length} values for ${nonzeros} nonzeros`);
      real = (value.real as Float64Array).slice(0, nonzeros);
      imag = (value.imag as Float64Array | undefined)?.slice(0, nonzeros);
    } else if (nonzeros > 0) {
      throw this.fail('MAT_FORMAT', `${path}: sparse matrix with ${nonzeros} nonzeros but no data`);
    }
    const value: MatSparse = { kind: 'sparse', dims: [rows, cols], logical: this.matlabClass(group) === 'logical', rowIndices: ir.slice(0, nonzeros), colPointers: jc, real };
    if (imag !== undefined) value.imag = imag;
    return value;
  }
}
