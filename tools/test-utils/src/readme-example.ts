import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ReadmeExample {
  /** The TypeScript source of the README's example block. */
  code: string;
  /** The lines of the ```text block that follows it (what the example prints). */
  expectedOutput: string[];
  /** What running the example actually printed, one entry per console.log call. */
  output: string[];
}

/**
 * Runs the first ```ts block under the README's `## Example` heading and
 * returns what it printed next to the ```text block shown after it, so a test
 * can assert that the README tells the truth.
 *
 * The example is written to a temporary file inside the package folder, so its
 * imports resolve exactly as a user's would (`@crowd/...` through node_modules).
 */
export async function runReadmeExample(readmePath: string): Promise<ReadmeExample> {
  const { code, expectedOutput } = readReadmeExample(readmePath);
  const file = join(dirname(readmePath), `.readme-example-${process.pid}.ts`);
  writeFileSync(file, code);
  const output: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => output.push(args.map(String).join(' '));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    console.log = original;
    rmSync(file, { force: true });
  }
  return { code, expectedOutput, output };
}

/**
 * The first ```ts block under the README's `## Example` heading and the lines
 * of the ```text block after it; `undefined` when the README has no such section.
 */
export function findReadmeExample(readmePath: string): Pick<ReadmeExample, 'code' | 'expectedOutput'> | undefined {
  const section = readFileSync(readmePath, 'utf8').split(/^## Example\s*$/m)[1];
  if (section === undefined) return undefined;
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  const text = /```text\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined || text === undefined) throw new Error(`${readmePath}: the Example section needs a \`\`\`ts block and a \`\`\`text block`);
  return { code, expectedOutput: text.trimEnd().split('\n') };
}

/** {@link findReadmeExample}, for a README that must have one. */
function readReadmeExample(readmePath: string): Pick<ReadmeExample, 'code' | 'expectedOutput'> {
  const example = findReadmeExample(readmePath);
  if (example === undefined) throw new Error(`${readmePath}: no "## Example" section`);
  return example;
}
