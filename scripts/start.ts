/**
 * `npm start` (through start.mjs): builds the web app and bundles the server when either is missing
 * or stale (see web-build.ts and server-build.ts; a restart with both up to date only pays for
 * hashing the sources), then runs `muster serve` from the bundle in this same process. Extra
 * arguments go to the server's command line (`npm start -- migrate`, `npm start -- --timings`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { markBoot } from '../apps/server/src/platform/boot-timings.ts';
import { ensureServerBuilt, serverBundle } from './server-build.ts';
import { ensureWebBuilt } from './web-build.ts';

markBoot('start Node (npm start)');
// On a terminal a person reads what is printed: where Muster runs, the demo logins, warnings and
// errors, not the JSON log of each step. LOG_LEVEL=info (or any level) brings the log back; under a
// process manager (no terminal) the log is kept at its default.
if (process.env.LOG_LEVEL === undefined && process.stdout.isTTY) process.env.LOG_LEVEL = 'warn';

// Both builds run in processes of their own (vite, esbuild): on a first start they share the cores.
const [web, bundle] = await Promise.allSettled([ensureWebBuilt(), ensureServerBuilt()]);
if (web.status === 'rejected') {
  console.error(`The web app could not be built: ${(web.reason as Error).message}`);
  console.error('Fix the build (npm run build:web shows the errors) and start again.');
  process.exit(1);
}
let main = serverBundle;
if (bundle.status === 'rejected') {
  // The bundle only makes the start faster: the sources run as they are.
  console.error(
    `Running the server from its sources (the bundle failed: ${(bundle.reason as Error).message})`,
  );
  main = path.resolve(import.meta.dirname, '../apps/server/src/main.ts');
}
const outcome = (built: PromiseSettledResult<boolean>) =>
  built.status === 'rejected' ? 'failed' : built.value ? 'built' : 'up to date';
markBoot('check the web app and server builds', `web ${outcome(web)}, server ${outcome(bundle)}`);

// Stack traces name the bundle's lines; `--enable-source-maps` in NODE_OPTIONS maps them to the
// sources (main.mjs.map), at a tenth of a second of every start.
const args = process.argv.slice(2);
// Options alone (`npm start -- --timings`) are options of `serve`.
const command = args[0] === undefined || args[0].startsWith('-') ? ['serve', ...args] : args;
process.argv = [process.argv[0]!, main, ...command];
await import(pathToFileURL(main).href);
