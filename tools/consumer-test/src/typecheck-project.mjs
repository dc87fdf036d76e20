#!/usr/bin/env node
// node typecheck-project.mjs <tsconfig.json>: what `tsc --noEmit -p` would
// report for the consumer project's own files and for our packages'
// declarations (node_modules/@crowd/**), as JSON on stdout:
// { "diagnostics": string[], "declarations": number }.
//
// The project has `skipLibCheck: false`, yet only those files are checked:
// tfjs's declarations fail `strict` (tfjs-layers) and want the DOM's types
// even in Node, which its users meet with `skipLibCheck`, and checking them
// would take most of the time. A separate process, so that several
// resolutions are checked at once.
import { dirname } from 'node:path';
import ts from 'typescript';

const [configPath] = process.argv.slice(2);
const host = { getCanonicalFileName: (file) => file, getCurrentDirectory: () => dirname(configPath), getNewLine: () => '\n' };
const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
    throw new Error(ts.formatDiagnostic(diagnostic, host));
  },
});
if (parsed.errors.length > 0) throw new Error(ts.formatDiagnostics(parsed.errors, host));
const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
const roots = new Set(parsed.fileNames);
const ours = program.getSourceFiles().filter((file) => roots.has(file.fileName) || file.fileName.includes('/node_modules/@crowd/'));
const diagnostics = [
  ...program.getOptionsDiagnostics(),
  ...program.getGlobalDiagnostics(),
  ...ours.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
];
console.log(
  JSON.stringify({
    diagnostics: diagnostics.map((diagnostic) => ts.formatDiagnostic(diagnostic, host).trimEnd()),
    declarations: ours.filter((file) => file.isDeclarationFile).length,
  }),
);
