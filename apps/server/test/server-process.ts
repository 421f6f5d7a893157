/**
 * `node apps/server/src/main.ts <command>` as its own process on a free loopback port: the one
 * copy shared by the server's process tests, the browser/app server (scripts) and the benchmarks.
 * Only node built-ins here: the tools project (scripts, bench) compiles this file too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');
export const mainFile = path.join(repoRoot, 'apps/server/src/main.ts');

/** Everything a server reads from the environment that would point it somewhere else. */
export const SERVER_ENV_KEYS = [
  'PORT',
  'HOST',
  'PUBLIC_URL',
  'ALLOWED_ORIGINS',
  'MUSTER_DATA_DIR',
  'MUSTER_ROLES',
  'MUSTER_SEED',
  'MUSTER_WEB_DIR',
  'DATABASE_URL',
  'DATABASE_READ_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'LOG_LEVEL',
  'SMTP_URL',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'TRUST_PROXY',
  'METRICS_TOKEN',
];

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** The tail of what the process printed. */
  output(): string;
  /** The tail of its stdout alone (a command's answer), and of its stderr (its errors, usage). */
  stdout(): string;
  stderr(): string;
  /** Resolves once `/readyz` answers 200; throws (with the output) if the process exits first. */
  ready(timeoutMs?: number, intervalMs?: number): Promise<void>;
  /** SIGTERM (graceful drain), SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** `kill -9`: no drain, no cleanup. */
  kill9(): Promise<void>;
}

export interface ServerProcessOptions {
  /** Arguments after `main.ts`; `['serve']` by default. */
  args?: string[];
  /**
   * What to run instead of `node main.ts <args>`: `npm start` or `scripts/start.mjs` (the bundle).
   * `group` signals the whole process group (npm's shell and the Node under it) on stop.
   */
  command?: { file: string; args: string[]; group?: boolean };
  /**
   * Set on top of the caller's environment, from which `SERVER_ENV_KEYS` are removed first; a
   * function gets the server's URL (for `PUBLIC_URL`).
   */
  env?: Record<string, string> | ((url: string) => Record<string, string>);
  /** Keys removed besides `SERVER_ENV_KEYS`. */
  clear?: (key: string) => boolean;
  /** How much output `output()` keeps. */
  outputLimit?: number;
  onOutput?(chunk: Buffer): void;
}

/** A port the kernel just handed out; free unless something grabs it in the next few milliseconds. */
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

/** Starts the process (PORT, HOST and LOG_LEVEL=warn set unless `env` overrides them). */
export async function spawnServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (SERVER_ENV_KEYS.includes(key) || options.clear?.(key)) delete env[key];
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...(typeof options.env === 'function' ? options.env(url) : options.env),
  });
  const command = options.command ?? {
    file: process.execPath,
    args: [mainFile, ...(options.args ?? ['serve'])],
  };
  const child = spawn(command.file, command.args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: command.group === true,
  });
  const signal = (name: NodeJS.Signals) => {
    if (command.group && child.pid) {
      try {
        process.kill(-child.pid, name);
      } catch {
        // The group is gone already.
      }
    } else child.kill(name);
  };
  const limit = options.outputLimit ?? 8000;
  let output = '';
  const streams = { stdout: '', stderr: '' };
  const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-limit);
    streams[stream] = (streams[stream] + chunk.toString()).slice(-limit);
    options.onOutput?.(chunk);
  };
  child.stdout?.on('data', keep('stdout'));
  child.stderr?.on('data', keep('stderr'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    url,
    port,
    exited,
    output: () => output,
    stdout: () => streams.stdout,
    stderr: () => streams.stderr,
    async ready(timeoutMs = 60_000, intervalMs = 50) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!running())
          throw new Error(
            `the server exited (${child.exitCode ?? child.signalCode}) before ready:\n${output}`,
          );
        if ((await readyStatus(url)) === 200) return;
        if (Date.now() > deadline) {
          signal('SIGKILL');
          throw new Error(`the server was not ready within ${timeoutMs} ms:\n${output}`);
        }
        await sleep(intervalMs);
      }
    },
    async stop(graceMs = 15_000) {
      if (running()) {
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
    async kill9() {
      signal('SIGKILL');
      await exited;
    },
  };
}

/** One probe on its own connection (no keep-alive pool that could hold the server open). */
function readyStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/readyz`, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}
