// Module hooks (node --import ./test/import-log.mjs) that append every module URL Node loads,
// ESM and CommonJS alike, to the file named by CROWD_IMPORT_LOG: a test asks which packages a
// command pulls in without timing it.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.CROWD_IMPORT_LOG, `${result.url}\n`);
  return result;
}
