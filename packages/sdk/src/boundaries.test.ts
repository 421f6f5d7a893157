import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay, newKey } from './platform.ts';

const src = import.meta.dirname;
const sources = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });

/**
 * The SDK runs in browsers, Node and React Native: its code imports only the protocol, its own
 * files, socket.io-client and the pure-JS Ed25519 verifier (`@noble/ed25519` with `@noble/hashes`,
 * for offline ticket checks), and touches no DOM or Node global. Browser globals are read only
 * by the browser adapters, through `globalThis` and typed by hand.
 */
describe('dependency direction and portability', () => {
  const files = sources(src).map((file) => ({
    name: path.relative(src, file),
    code: fs.readFileSync(file, 'utf8'),
  }));

  it('imports only @muster/protocol, socket.io-client, @noble and its own files', () => {
    for (const { name, code } of files) {
      const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const spec of imports) {
        const allowed =
          spec === '@muster/protocol' ||
          spec === 'socket.io-client' ||
          spec === '@noble/ed25519' ||
          spec === '@noble/hashes/sha2.js' ||
          (spec.startsWith('.') &&
            !path.resolve(path.dirname(path.join(src, name)), spec).includes(`${path.sep}apps${path.sep}`));
        expect(allowed, `${name} imports ${spec}`).toBe(true);
      }
    }
  });

  it('uses no DOM or Node global', () => {
    const forbidden =
      /\b(window|document|localStorage|sessionStorage|navigator|process|Buffer|require|__dirname)\b\s*[.([]/;
    for (const { name, code } of files) {
      const body = code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '').replace(/'[^'\n]*'|`[^`]*`/g, "''");
      if (name.startsWith(`adapters${path.sep}`)) continue;
      expect(forbidden.exec(body)?.[0], name).toBeUndefined();
    }
  });
});

describe('platform helpers', () => {
  it('backs off exponentially with jitter, within bounds', () => {
    expect(backoffDelay(0, () => 0, 500, 30_000)).toBe(250);
    expect(backoffDelay(0, () => 1, 500, 30_000)).toBe(500);
    expect(backoffDelay(3, () => 1, 500, 30_000)).toBe(4000);
    expect(backoffDelay(20, () => 0.5, 500, 30_000)).toBe(22_500);
    for (let attempt = 0; attempt < 40; attempt++) {
      const delay = backoffDelay(attempt, Math.random);
      expect(delay).toBeGreaterThanOrEqual(250);
      expect(delay).toBeLessThanOrEqual(30_000);
    }
  });

  it('makes idempotency keys the server accepts (1–200 visible ASCII characters), all distinct', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newKey()));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(key).toMatch(/^[\x21-\x7e]{1,200}$/);
  });
});
