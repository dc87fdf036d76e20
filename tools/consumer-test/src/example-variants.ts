import ts from 'typescript';

/**
 * A README example (TypeScript, an ES module with top-level await) in the
 * forms a consumer may write it in.
 */
export interface ExampleVariants {
  /** As written: an ES module. */
  esmTs: string;
  /**
   * As a CommonJS module: the imports stay at the top (they become
   * `require` calls), the rest runs in an async function because CommonJS
   * has no top-level await, and `import.meta.url` becomes the file's URL.
   */
  cjsTs: string;
  /** `esmTs` with the types stripped, for `node file.mjs`. */
  esmJs: string;
  /** `cjsTs` compiled to CommonJS, for `node file.cjs`. */
  cjsJs: string;
}

export function exampleVariants(code: string): ExampleVariants {
  const cjsTs = asCommonJs(code);
  return {
    esmTs: code,
    cjsTs,
    esmJs: transpile(code, ts.ModuleKind.ESNext),
    cjsJs: transpile(cjsTs, ts.ModuleKind.CommonJS),
  };
}

function asCommonJs(code: string): string {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.ES2022, true);
  const imports = source.statements.filter(ts.isImportDeclaration);
  const body = source.statements.filter((statement) => !ts.isImportDeclaration(statement));
  const text = (nodes: readonly ts.Statement[]) => nodes.map((node) => node.getFullText(source).replace(/^\n+/, '')).join('\n');
  const main = text(body).replaceAll('import.meta.url', "require('node:url').pathToFileURL(__filename).href");
  return `${text(imports)}

async function main(): Promise<void> {
${main}
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;
}

function transpile(code: string, module: ts.ModuleKind): string {
  return ts.transpileModule(code, { compilerOptions: { module, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
}

/**
 * The bare module specifiers a JavaScript file imports (static imports and
 * exports, `import('literal')`), without the ones named in comments.
 */
export function importedModules(code: string): string[] {
  return ts
    .preProcessFile(code, true, true)
    .importedFiles.map((file) => file.fileName)
    .filter((name) => !name.startsWith('.') && !name.startsWith('/'));
}
