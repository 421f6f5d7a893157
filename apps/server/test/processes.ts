import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll } from 'vitest';
import { TEST_METRICS_TOKEN } from './scrape-token.ts';
import { freePort, mainFile, SERVER_ENV_KEYS, spawnServerProcess } from './server-process.ts';

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

export { freePort };

/** `node apps/server/src/main.ts <command>` as a real process on a real port. */
export async function spawnMuster(
  command: 'serve' | 'worker',
  env: Record<string, string>,
): Promise<MusterProcess> {
  const server = await spawnServerProcess({
    args: [command],
    env: { MUSTER_SEED: 'never', METRICS_TOKEN: TEST_METRICS_TOKEN, ...env },
  });
  const { child } = server;
  children.add(child);
  server.exited.then(() => children.delete(child));
  return {
    child,
    url: server.url,
    exited: server.exited,
    output: server.output,
    ready: (timeoutMs = 60_000) => server.ready(timeoutMs),
    kill9: server.kill9,
  };
}

/** A one-shot command (`muster queue ls`) run to its end: exit code and output. */
export function runMuster(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of SERVER_ENV_KEYS) delete base[key];
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
