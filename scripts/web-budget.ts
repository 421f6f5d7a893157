/**
 * The JavaScript budget of the web app (QUALITY.md: initial JavaScript ≤ 150 KB gzip): the scripts
 * that `index.html` loads (its module entry and every module it preloads), gzipped at level 9 the
 * way a server would send them. Lazy chunks (organiser screens) are not initial and do not count.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { distDir } from './web-build.ts';

export const INITIAL_JS_BUDGET_BYTES = 150 * 1024;

export interface ScriptSize {
  /** Path as index.html names it, e.g. `/assets/index-Ab12Cd34.js`. */
  path: string;
  bytes: number;
  gzipBytes: number;
}

/** `<script src>` and `<link rel="modulepreload" href>` of index.html, same-origin only. */
export function initialScriptPaths(html: string): string[] {
  const paths = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) paths.add(match[1]!);
  for (const match of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g))
    paths.add(match[1]!);
  return [...paths].filter((p) => p.startsWith('/'));
}

export function initialJs(dir = distDir): { scripts: ScriptSize[]; gzipBytes: number } {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const scripts = initialScriptPaths(html).map((p) => {
    const content = fs.readFileSync(path.join(dir, p));
    return { path: p, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  return { scripts, gzipBytes: scripts.reduce((sum, s) => sum + s.gzipBytes, 0) };
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
