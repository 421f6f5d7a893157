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

// The web app builds in a process of its own (vite) while this one bundles the server and then
// opens the database: on a first start they share the cores. The server lists the app's files only
// once the build has finished (web-app.ts waits for the promise left on globalThis).
const webBuild = ensureWebBuilt();
(globalThis as { [key: symbol]: unknown })[Symbol.for('muster.webBuild')] = webBuild;
let web = 'building alongside';
webBuild.then(
  (built) => {
    web = built ? 'built' : 'up to date';
  },
  (error: Error) => {
    console.error(`The web app could not be built: ${error.message}`);
    console.error('Fix the build (npm run build:web shows the errors) and start again.');
    process.exit(1);
  },
);
let main = serverBundle;
let bundle: string;
try {
  bundle = (await ensureServerBuilt()) ? 'built' : 'up to date';
} catch (error) {
  // The bundle only makes the start faster: the sources run as they are.
  console.error(`Running the server from its sources (the bundle failed: ${(error as Error).message})`);
  main = path.resolve(import.meta.dirname, '../apps/server/src/main.ts');
  bundle = 'failed, running the sources';
}
markBoot('check the web app and server builds', `web ${web}, server ${bundle}`);

// Stack traces name the bundle's lines; `--enable-source-maps` in NODE_OPTIONS maps them to the
// sources (main.mjs.map), at a tenth of a second of every start.
const args = process.argv.slice(2);
// Options alone (`npm start -- --timings`) are options of `serve`.
const command = args[0] === undefined || args[0].startsWith('-') ? ['serve', ...args] : args;
process.argv = [process.argv[0]!, main, ...command];
await import(pathToFileURL(main).href);
