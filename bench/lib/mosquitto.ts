/**
 * A Mosquitto broker of the benchmark's own (Debian's `mosquitto` binary), on 127.0.0.1 and a free
 * port, with a throw-away configuration: no persistence, no connection cap, anonymous clients. It
 * inherits the benchmark's open-file limit. Installed with apt-get when missing (as root).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, makeTempDir } from './server.ts';

const BINARY = '/usr/sbin/mosquitto';

export interface Broker {
  url: string;
  version: string;
  stop(): Promise<void>;
}

function ensureInstalled(): void {
  if (fs.existsSync(BINARY)) return;
  if (process.getuid?.() !== 0)
    throw new Error(`${BINARY} is missing: apt-get install -y mosquitto (as root)`);
  console.log('installing mosquitto (apt-get)…');
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'mosquitto'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status;
  if (install() !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    if (install() !== 0) throw new Error('apt-get install mosquitto failed');
  }
}

export async function startMosquitto(): Promise<Broker> {
  ensureInstalled();
  const dir = makeTempDir('mosquitto');
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_connections -1',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  const version = spawnSync(BINARY, ['-h']).stdout.toString().split('\n')[0]?.trim() ?? 'mosquitto';
  const child: ChildProcess = spawn(BINARY, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
  process.on('exit', kill);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${output}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) break;
    if (i > 100) {
      kill();
      throw new Error(`mosquitto did not listen on ${port}: ${output}`);
    }
    await sleep(50);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    version,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 5000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
