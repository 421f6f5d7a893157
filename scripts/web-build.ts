/**
 * Builds the web app (`apps/web/dist`) when it is missing or older than its sources: a SHA-256 of
 * every source file that goes into the bundle (the app, the SDK, the protocol, the lockfile) is
 * kept in `dist/.source-hash`, and `vite build` runs only when it differs. Checking takes a few
 * milliseconds, so `npm start` and the browser tests call it every time.
 *
 * The build writes to a fresh directory and swaps it in with a rename, so a server already serving
 * the old `dist` (or a second build running at the same moment) never sees half a build.
 *
 * `node scripts/web-build.ts [--force]` builds from the command line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { buildAndSwap, builtHash, repoRoot, sourceHash } from './lib/build-cache.ts';

export const webDir = path.join(repoRoot, 'apps/web');
export const distDir = path.join(webDir, 'dist');

/** What the bundle is made of. */
const SOURCES = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/package.json',
  'packages/sdk/src',
  'packages/sdk/package.json',
  'packages/protocol/src',
  'packages/protocol/package.json',
  'package-lock.json',
];

export function webSourceHash(): string {
  return sourceHash(SOURCES);
}

/** Whether `dist` is missing or was built from other sources. */
export function webBuildIsStale(): boolean {
  // A deployment that ships only the built app has no sources to compare with: use what is there.
  if (!fs.existsSync(path.join(webDir, 'src'))) return !fs.existsSync(path.join(distDir, 'index.html'));
  return builtHash(distDir) !== webSourceHash() || !fs.existsSync(path.join(distDir, 'index.html'));
}

/** Builds the app when stale (or when `force`); resolves to whether it built. */
export async function ensureWebBuilt(options: { force?: boolean; log?: (line: string) => void } = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!options.force && !webBuildIsStale()) return false;
  log('Building the web app (apps/web)…');
  const started = performance.now();
  await buildAndSwap(distDir, webSourceHash(), async (staging) => {
    await runVite(staging);
    precompress(staging);
  });
  log(`Web app built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

/** Runs `vite build`; what it prints is shown only when it fails (a start shows what users need). */
function runVite(outDir: string): Promise<void> {
  const vite = path.join(repoRoot, 'node_modules/vite/bin/vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outDir], {
      cwd: webDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      process.stderr.write(Buffer.concat(output));
      reject(new Error(`vite build failed (${code ?? signal})`));
    });
  });
}

const COMPRESSIBLE = /\.(js|css|html|svg|webmanifest|json)$/;

/**
 * Writes `.br` and `.gz` next to every text file of the build, which the server sends to browsers
 * that accept them (`preCompressed`): on a phone's slow link the JavaScript is a third of its size,
 * compressed once at build time instead of on every request.
 */
function precompress(dir: string) {
  for (const dirent of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!dirent.isFile() || !COMPRESSIBLE.test(dirent.name)) continue;
    const file = path.join(dirent.parentPath, dirent.name);
    const content = fs.readFileSync(file);
    if (content.length < 1024) continue;
    fs.writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    fs.writeFileSync(
      `${file}.br`,
      brotliCompressSync(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
    );
  }
}

if (import.meta.main) {
  const built = await ensureWebBuilt({ force: process.argv.includes('--force') });
  if (!built) console.log('The web app is up to date (apps/web/dist).');
}
