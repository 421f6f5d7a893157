/**
 * `npm start` (through start.mjs): builds the web app and bundles the server when either is missing or stale (see
 * web-build.ts and server-build.ts; a restart with both up to date only pays for hashing the
 * sources), then runs `muster serve` from the bundle in this same process. Extra arguments go to
 * the server's command line (`npm start -- migrate`, `npm start -- --timings`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { markBoot } from '../apps/server/src/platform/boot-timings.ts';
import { ensureServerBuilt, serverBundle } from './server-build.ts';
import { ensureWebBuilt } from './web-build.ts';

markBoot('start Node (npm start)');
try {
  await ensureWebBuilt();
} catch (error) {
  console.error(`The web app could not be built: ${(error as Error).message}`);
  console.error('Fix the build (npm run build:web shows the errors) and start again.');
  process.exit(1);
}
markBoot('check the web app build');

let main = serverBundle;
try {
  await ensureServerBuilt();
} catch (error) {
  // The bundle only makes the start faster: the sources run as they are.
  console.error(`Running the server from its sources (the bundle failed: ${(error as Error).message})`);
  main = path.resolve(import.meta.dirname, '../apps/server/src/main.ts');
}
// Stack traces name the bundle's lines; `--enable-source-maps` in NODE_OPTIONS maps them to the
// sources (main.mjs.map), at a tenth of a second of every start.
markBoot('check the server bundle');

const args = process.argv.slice(2);
// Options alone (`npm start -- --timings`) are options of `serve`.
const command = args[0] === undefined || args[0].startsWith('-') ? ['serve', ...args] : args;
process.argv = [process.argv[0]!, main, ...command];
await import(pathToFileURL(main).href);
