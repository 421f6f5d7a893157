/**
 * `npm start`: builds the web app if it is missing or stale (see web-build.ts; a restart with an
 * up-to-date build only pays for a hash of the sources), then runs `muster serve` in this same
 * process. Extra arguments go to the server's command line (`npm start -- migrate`).
 */
import path from 'node:path';
import { ensureWebBuilt } from './web-build.ts';

try {
  await ensureWebBuilt();
} catch (error) {
  console.error(`The web app could not be built: ${(error as Error).message}`);
  console.error('Fix the build (npm run build:web shows the errors) and start again.');
  process.exit(1);
}

const main = path.resolve(import.meta.dirname, '../apps/server/src/main.ts');
const args = process.argv.slice(2);
process.argv = [process.argv[0]!, main, ...(args.length ? args : ['serve'])];
await import(main);
