import type { ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { TEST_METRICS_TOKEN } from './scrape-token.ts';
import { freePort, spawnServerProcess } from './server-process.ts';

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
export async function runMuster(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const command = await spawnServerProcess({ args, env, outputLimit: 1_000_000 });
  children.add(command.child);
  const code = await command.exited;
  children.delete(command.child);
  return { code, stdout: command.stdout(), stderr: command.stderr() };
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
