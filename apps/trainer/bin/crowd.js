#!/usr/bin/env node
// Committed launcher so npm can link the `crowd` bin at install time, before `npm run build` makes dist/.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('crowd: the CLI is not built yet; run `npm run build` in the repository root first.\n');
    process.exit(2);
  }
  throw error;
}
