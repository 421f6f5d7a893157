/**
 * The processes a drill starts — Muster nodes and nginx. A drill stops them with its `Cleanup`
 * (bench/lib/cleanup.ts: from a `finally` and on SIGINT/SIGTERM); a synchronous SIGKILL of every
 * child still alive when the drill's process exits is the last resort.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, spawnServerProcess } from '../../../apps/server/test/server-process.ts';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `muster-drill-${prefix}-`));
}

export { freePort };

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

export interface Spawned {
  name: string;
  child: ChildProcess;
  /** The last lines it printed (stdout and stderr). */
  output(): string;
  exited: Promise<void>;
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

function track(name: string, child: ChildProcess, logFile?: string): Spawned {
  children.add(child);
  let tail = '';
  const log = logFile ? fs.createWriteStream(logFile) : undefined;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-6000);
    log?.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child);
      log?.end();
      resolve();
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    output: () => tail,
    exited,
    alive,
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface MusterNode extends Spawned {
  url: string;
  port: number;
}

/**
 * `node apps/server/src/main.ts serve` (default roles) on a free loopback port, until `/readyz` is
 * 200: the one server-process helper, with its output also logged to `<logDir>/<name>.log`.
 */
export async function startNode(
  name: string,
  env: Record<string, string>,
  logDir: string,
): Promise<MusterNode> {
  const log = fs.createWriteStream(path.join(logDir, `${name}.log`));
  const server = await spawnServerProcess({
    env: { MUSTER_SEED: 'never', ...env },
    // Whatever else of Muster's the drill's own environment holds must not reach a node.
    clear: (key) => /^(MUSTER_|DATABASE_|OTEL_)/.test(key),
    outputLimit: 6000,
    onOutput: (chunk) => log.write(chunk),
  });
  const { child } = server;
  children.add(child);
  const exited = server.exited.then(() => {
    children.delete(child);
    log.end();
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const node: MusterNode = {
    name,
    child,
    output: server.output,
    exited,
    alive,
    stop: (graceMs = 10_000) => server.stop(graceMs),
    url: server.url,
    port: server.port,
  };
  try {
    await server.ready(90_000, 50);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`);
  }
  return node;
}

const NGINX = '/usr/sbin/nginx';

/** Runs a command as root: directly when we are root, else through passwordless sudo (like .ci/run). */
function asRoot(command: string[]): number {
  const argv =
    process.getuid?.() === 0 ? command : ['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', ...command];
  const result = spawnSync(argv[0]!, argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status ?? 1;
}

/**
 * Installs Debian's nginx when it is missing (like .ci/run installs Chromium): `apt-get update`
 * only if the first install attempt fails, and no service is started (policy-rc.d answers 101
 * while installing), so nothing listens on port 80 afterwards.
 */
export function ensureNginx(): string {
  if (fs.existsSync(NGINX)) return NGINX;
  console.log('nginx is missing: installing it with apt-get…');
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !fs.existsSync(policy);
  if (ownPolicy) asRoot(['sh', '-c', `printf '#!/bin/sh\nexit 101\n' > ${policy} && chmod 755 ${policy}`]);
  try {
    const install = ['apt-get', 'install', '-y', '--no-install-recommends', 'nginx'];
    if (asRoot(install) !== 0 && (asRoot(['apt-get', 'update']) !== 0 || asRoot(install) !== 0))
      throw new Error('apt-get install nginx failed (run as root, or with passwordless sudo)');
  } finally {
    if (ownPolicy) asRoot(['rm', '-f', policy]);
  }
  if (!fs.existsSync(NGINX)) throw new Error(`${NGINX} is still missing after installing nginx`);
  return NGINX;
}

export interface Nginx extends Spawned {
  url: string;
  port: number;
  dir: string;
}

/**
 * nginx in the foreground (`daemon off`) as a child, on 127.0.0.1 and a free port, with its
 * configuration, pid, logs and temp files in `dir`. The upstream is sticky per client address
 * (`hash $http_x_forwarded_for consistent`, the `ip_hash` of a real deployment: every drill client
 * connects from 127.0.0.1 and states its own address, from 198.18.0.0/15, in X-Forwarded-For), so
 * a long-polling session stays on its node; a node that refuses connections is skipped
 * (`proxy_next_upstream`), so clients of a dead node land on the live one when they reconnect.
 */
export async function startNginx(upstreams: string[], dir: string, port: number): Promise<Nginx> {
  const binary = ensureNginx();
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `# written by scripts/drills/lib/processes.ts
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' '';
  }
  upstream muster {
    hash $http_x_forwarded_for consistent;
${upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=10s;`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://muster;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
      proxy_send_timeout 60s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
    }
  }
}
`,
  );
  const test = spawnSync(binary, ['-t', '-q', '-e', path.join(dir, 'error.log'), '-p', dir, '-c', conf]);
  if (test.status !== 0) throw new Error(`nginx -t failed: ${test.stderr.toString()}`);
  const child = spawn(
    binary,
    ['-e', path.join(dir, 'error.log'), '-p', dir, '-c', conf, '-g', 'daemon off;'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const nginx = { ...track('nginx', child), url: `http://127.0.0.1:${port}`, port, dir };
  const deadline = Date.now() + 10_000;
  while ((await httpStatus(`${nginx.url}/healthz`)) !== 200) {
    if (!nginx.alive())
      throw new Error(`nginx exited: ${nginx.output()} ${readTail(path.join(dir, 'error.log'))}`);
    if (Date.now() > deadline)
      throw new Error(`nginx not answering: ${readTail(path.join(dir, 'error.log'))}`);
    await sleep(50);
  }
  return nginx;
}

export function readTail(file: string, bytes = 4000): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-bytes);
  } catch {
    return '';
  }
}
