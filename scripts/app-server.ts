/**
 * The real Muster server for the browser tests, the screenshots and the app benchmark: `muster
 * serve` as its own process on a free loopback port and a fresh embedded database, serving the
 * built app (built first when stale).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureWebBuilt } from './web-build.ts';

const root = path.resolve(import.meta.dirname, '..');
const mainFile = path.join(root, 'apps/server/src/main.ts');
/** Variables that would point the server somewhere else; cleared so the caller's shell cannot leak in. */
const CLEARED = [
  'DATABASE_URL',
  'DATABASE_READ_URL',
  'REDIS_URL',
  'MUSTER_ROLES',
  'SMTP_URL',
  'MUSTER_WEB_DIR',
];

export interface E2eServer {
  url: string;
  /** What the server printed so far (the demo logins, when seeded). */
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function ready(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output()}`);
    const status = await fetch(`${url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await sleep(100);
  }
  throw new Error(`the server was not ready within ${timeoutMs} ms:\n${output()}`);
}

/** `seed: true` seeds the demo community and event (its logins are in `output()`). */
export async function startE2eServer(options: { seed?: boolean } = {}): Promise<E2eServer> {
  await ensureWebBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CLEARED) delete env[key];
  const child = spawn(process.execPath, [mainFile, 'serve'], {
    cwd: root,
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      MUSTER_DATA_DIR: dataDir,
      MUSTER_SEED: options.seed ? 'always' : 'never',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      // The browser tests' API calls state a client address (X-Forwarded-For) from this host.
      TRUST_PROXY: 'loopback',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-16_000);
    if (process.env.E2E_LOG_LEVEL) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await ready(url, child, () => output, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
