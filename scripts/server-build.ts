/**
 * Bundles the server for `npm start` (`apps/server/dist/main.mjs`) when it is missing or older than
 * its sources, the way web-build.ts does for the app.
 *
 * Why: Node runs the TypeScript sources directly, but loading them file by file took most of a
 * start — ~1,400 source files stripped of their types one at a time, and every one of drizzle-orm's
 * ~560 files made Node parse its 180 kB `package.json` `exports` map again (Node 24 reads a
 * package's scope for each file it loads). One bundle of Muster's own code and of the pure
 * JavaScript packages that cost the most to load starts in a fraction of that. Every other package
 * stays an ordinary import: native addons, WebAssembly and packages that read files beside their
 * code keep working exactly as from the sources.
 *
 * `import.meta.url` and `import.meta.dirname` in Muster's files are replaced by the source file's
 * own, so migrations, photos and fonts are found where they are; the repository's path is part of
 * the hash, so a moved checkout rebuilds.
 *
 * Tests run the sources; the browser tests and `bench boot` run this bundle, as `npm start` does.
 * `node scripts/server-build.ts [--force]` builds from the command line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { buildAndSwap, builtHash, repoRoot, sourceHash } from './lib/build-cache.ts';

export const serverDistDir = path.join(repoRoot, 'apps/server/dist');
export const serverBundle = path.join(serverDistDir, 'main.mjs');
const entry = path.join(repoRoot, 'apps/server/src/main.ts');

const SOURCES = [
  'apps/server/src',
  'apps/server/package.json',
  'packages/protocol/src',
  'packages/protocol/package.json',
  'package-lock.json',
  'scripts/server-build.ts',
];

/**
 * Packages bundled in besides Muster's own (`@muster/*`): pure JavaScript that reads no file of its
 * own and is costly to load file by file (measured alone: drizzle-orm/pg-core 850 ms, TypeBox
 * 190 ms, jose 75 ms).
 */
const BUNDLED_PACKAGES = new Set([
  'drizzle-orm',
  'typebox',
  '@fastify/type-provider-typebox',
  'jose',
  'obscenity',
]);

export function serverSourceHash(): string {
  return sourceHash(SOURCES, repoRoot);
}

export function serverBuildIsStale(): boolean {
  return builtHash(serverDistDir) !== serverSourceHash() || !fs.existsSync(serverBundle);
}

/** Leaves every package import outside BUNDLED_PACKAGES as it is. */
const externalPackages: Plugin = {
  name: 'muster-external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const name = /^(@[^/]+\/[^/]+|[^/]+)/.exec(args.path)?.[1] ?? args.path;
      return name.startsWith('@muster/') || BUNDLED_PACKAGES.has(name)
        ? undefined
        : { path: args.path, external: true };
    });
  },
};

/** Gives Muster's files their own `import.meta.url` and `import.meta.dirname` inside the bundle. */
const sourceLocations: Plugin = {
  name: 'muster-source-locations',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await fs.promises.readFile(args.path, 'utf8');
      return {
        loader: 'ts',
        contents: text
          .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      };
    });
  },
};

/** Bundles when stale (or when `force`); resolves to whether it built. */
export async function ensureServerBuilt(options: { force?: boolean } = {}): Promise<boolean> {
  if (!options.force && !serverBuildIsStale()) return false;
  // Loaded only to build: a start with an up-to-date bundle never pays for it.
  const esbuild = await import('esbuild');
  await buildAndSwap(serverDistDir, serverSourceHash(), async (staging) => {
    await esbuild.build({
      entryPoints: [entry],
      outfile: path.join(staging, path.basename(serverBundle)),
      absWorkingDir: repoRoot,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      sourcemap: 'linked',
      logLevel: 'error',
      plugins: [externalPackages, sourceLocations],
      // A CommonJS file bundled in may call `require`; an ES module has none of its own.
      banner: {
        js: "import { createRequire as __musterCreateRequire } from 'node:module'; const require = __musterCreateRequire(import.meta.url);",
      },
    });
  });
  return true;
}

if (import.meta.main) {
  const built = await ensureServerBuilt({ force: process.argv.includes('--force') });
  console.log(
    built ? `Bundled ${path.relative(repoRoot, serverBundle)}.` : 'The server bundle is up to date.',
  );
}
