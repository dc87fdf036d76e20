#!/usr/bin/env node
// Generates src/onnx/onnx-proto.generated.ts, the ONNX protobuf messages as
// static code, from src/onnx/onnx-subset.proto with protobufjs-cli's
// `pbjs -t static-module`. Static encoders and decoders need no
// `new Function` (protobufjs's reflection API compiles them at run time),
// so the ONNX export and reader run under a Content-Security-Policy without
// 'unsafe-eval', as the browser app sends.
//
//   npm run generate:onnx-proto -w @crowd/csrnet
//
// src/onnx/onnx-proto.test.ts regenerates it into a temporary folder and
// fails when the committed file differs.
import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ONNX_DIR = fileURLToPath(new URL('../src/onnx/', import.meta.url));
/** The committed .proto subset of onnx.proto. */
export const ONNX_PROTO = join(ONNX_DIR, 'onnx-subset.proto');
/** The generated file's name, in src/onnx/. */
export const GENERATED_NAME = 'onnx-proto.generated.ts';

const PBJS_ARGS = [
  '--target', 'static-module',
  // An ES module with `import $protobuf from 'protobufjs/minimal.js'`: the default import works in Node's ESM (protobufjs is CommonJS) and in bundlers.
  '--wrap', 'es6',
  '--dependency', 'protobufjs/minimal.js',
  // onnx.proto's snake_case names, as the encoder's callers and readers use them.
  '--keep-case',
  // Only encode, decode and toObject/fromObject are used.
  '--no-create', '--no-verify', '--no-delimited', '--no-typeurl', '--no-service', '--no-comments',
];

const HEADER = `// Generated from onnx-subset.proto by scripts/generate-onnx-proto.mjs
// (protobufjs-cli pbjs -t static-module). Do not edit: change the .proto and
// run \`npm run generate:onnx-proto -w @crowd/csrnet\`. onnx-proto.ts types it.
// @ts-nocheck
`;

/**
 * The generated module's source text. pbjs runs in a child Node process of
 * its own: its output depends on whether protobufjs finds the \`long\`
 * package when it loads, which a test runner's module conditions can change.
 */
export function generateOnnxProtoSource() {
  const pbjs = join(dirname(createRequire(import.meta.url).resolve('protobufjs-cli/package.json')), 'bin', 'pbjs');
  const run = spawnSync(process.execPath, [pbjs, ...PBJS_ARGS, ONNX_PROTO], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (run.status !== 0) throw new Error(`pbjs failed (exit ${run.status ?? run.signal}): ${run.stderr}`);
  return HEADER + run.stdout;
}

/** Writes the generated module into `dir` (atomically: a temporary file, then a rename); returns its path. */
export function generateOnnxProto(dir = ONNX_DIR) {
  const file = join(dir, GENERATED_NAME);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, generateOnnxProtoSource());
  renameSync(temp, file);
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`wrote ${generateOnnxProto()}`);
