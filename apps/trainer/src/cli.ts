import { createProgram } from './program.js';

// `crowd count … --json | head` closes stdout early: stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  // Typed errors from the packages already name the file and the problem.
  process.stderr.write(`crowd: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
