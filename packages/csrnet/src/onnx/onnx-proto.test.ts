import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
// @ts-expect-error: a plain .mjs build script, without type declarations
import { GENERATED_NAME, generateOnnxProto } from '../../scripts/generate-onnx-proto.mjs';
import { MODEL_PROTO, MODEL_PROTO_HEADER } from './onnx-proto.ts';

test(`${GENERATED_NAME} is what pbjs generates from onnx-subset.proto (else: npm run generate:onnx-proto -w @crowd/csrnet)`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'crowd-onnx-proto-'));
  try {
    const fresh = await readFile(generateOnnxProto(dir), 'utf8');
    const committed = await readFile(new URL(GENERATED_NAME, import.meta.url), 'utf8');
    expect(committed === fresh, `${GENERATED_NAME} is stale: run npm run generate:onnx-proto -w @crowd/csrnet`).toBe(true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the codecs are static code: no new Function or eval at run time (a strict CSP forbids both)', async () => {
  const source = await readFile(new URL(GENERATED_NAME, import.meta.url), 'utf8');
  expect(source).toMatch(/^import \$protobuf from "protobufjs\/minimal\.js";$/m);
  expect(source).not.toMatch(/\bFunction\(|\beval\(|codegen/);
  const original = globalThis.Function;
  const calls: string[] = [];
  // Any codec that compiled itself now would go through the Function constructor.
  globalThis.Function = new Proxy(original, { construct: (target, args) => (calls.push(String(args.at(-1))), Reflect.construct(target, args)), apply: (target, self, args) => (calls.push(String(args.at(-1))), Reflect.apply(target, self, args)) });
  try {
    const bytes = MODEL_PROTO.encode({ ir_version: 8, producer_name: 'crowd', graph: { name: 'g', input: [{ name: 'input' }] } }).finish();
    expect(MODEL_PROTO_HEADER.toObject(MODEL_PROTO_HEADER.decode(bytes), { longs: Number })).toEqual({ ir_version: 8, producer_name: 'crowd', graph: { name: 'g', input: [{ name: 'input' }] } });
  } finally {
    globalThis.Function = original;
  }
  expect(calls).toEqual([]);
});
