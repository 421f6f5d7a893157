import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll } from 'vitest';
import { TEST_METRICS_TOKEN } from './scrape-token.ts';

const mainFile = path.resolve(import.meta.dirname, '../src/main.ts');
/** Keys a spawned server reads; cleared so the test runner's shell cannot leak in. */
const SERVER_KEYS = [
  'DATABASE_URL',
  'DATABASE_READ_URL',
  'REDIS_URL',
  'MUSTER_ROLES',
  'PUBLIC_URL',
  'SMTP_URL',
  'TRUST_PROXY',
];

export interface MusterProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  output(): string;
  /** Resolves once `/readyz` answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** `kill -9`: no drain, no cleanup, leases and sockets left as they are. */
  kill9(): Promise<void>;
}

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** `node apps/server/src/main.ts <command>` as a real process on a real port. */
export async function spawnMuster(
  command: 'serve' | 'worker',
  env: Record<string, string>,
): Promise<MusterProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SERVER_KEYS) delete base[key];
  const child = spawn(process.execPath, [mainFile, command], {
    env: {
      ...base,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MUSTER_SEED: 'never',
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    url,
    exited,
    output: () => output,
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`muster ${command} exited early:\n${output}`);
        const ok = await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`muster ${command} not ready within ${timeoutMs} ms:\n${output}`);
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A one-shot command (`muster queue ls`) run to its end: exit code and output. */
export function runMuster(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SERVER_KEYS) delete base[key];
  const child = spawn(process.execPath, [mainFile, ...args], {
    env: { ...base, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** JSON over HTTP for tests that talk to a spawned server. */
export async function http<T>(
  url: string,
  method: string,
  body?: object,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
