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
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
export const webDir = path.join(root, 'apps/web');
export const distDir = path.join(webDir, 'dist');
const HASH_FILE = '.source-hash';

/** What the bundle is made of. Tests and test helpers are left out: they change no byte of it. */
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
const IGNORED = /\.(test|spec)\.tsx?$/;

function listFiles(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((dirent) => dirent.isFile() && !IGNORED.test(dirent.name))
    .map((dirent) => path.relative(root, path.join(dirent.parentPath, dirent.name)));
}

/** SHA-256 over the sorted paths and contents of every source file. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const files = SOURCES.flatMap(listFiles).sort();
  for (const file of files) {
    hash.update(file);
    hash.update('\0');
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function builtHash(): string | undefined {
  try {
    return fs.readFileSync(path.join(distDir, HASH_FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Whether `dist` is missing or was built from other sources. */
export function webBuildIsStale(): boolean {
  // A deployment that ships only the built app has no sources to compare with: use what is there.
  if (!fs.existsSync(path.join(webDir, 'src'))) return !fs.existsSync(path.join(distDir, 'index.html'));
  return builtHash() !== sourceHash() || !fs.existsSync(path.join(distDir, 'index.html'));
}

/** Builds the app when stale (or when `force`); resolves to whether it built. */
export async function ensureWebBuilt(options: { force?: boolean; log?: (line: string) => void } = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  if (!options.force && !webBuildIsStale()) return false;
  const hash = sourceHash();
  const staging = path.join(webDir, `.dist-${process.pid}-${Date.now()}`);
  log('Building the web app (apps/web)…');
  const started = performance.now();
  try {
    await runVite(staging);
    precompress(staging);
    fs.writeFileSync(path.join(staging, HASH_FILE), `${hash}\n`);
    swapIn(staging);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`Web app built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

function runVite(outDir: string): Promise<void> {
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outDir], {
      cwd: webDir,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${code ?? signal})`)),
    );
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

/** Replaces `dist` with the new build: rename the old one away, rename the new one in. */
function swapIn(staging: string) {
  const old = `${distDir}.old-${process.pid}-${Date.now()}`;
  if (fs.existsSync(distDir)) fs.renameSync(distDir, old);
  try {
    fs.renameSync(staging, distDir);
  } catch (error) {
    // Another build swapped its own in first: theirs is as good as ours.
    if (!fs.existsSync(distDir)) throw error;
  }
  fs.rmSync(old, { recursive: true, force: true });
}

if (import.meta.main) {
  const built = await ensureWebBuilt({ force: process.argv.includes('--force') });
  if (!built) console.log('The web app is up to date (apps/web/dist).');
}
