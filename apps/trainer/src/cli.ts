import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  // Typed errors from the packages already name the file and the problem.
  process.stderr.write(`crowd: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
