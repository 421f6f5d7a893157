/**
 * Set-up of the `chat` benchmark (not timed): users, an event and its channels on the server, the
 * bare Socket.IO floor, and the load processes with every client connected to both systems.
 */
import path from 'node:path';
import { call } from './api.ts';
import type { Channel } from './chat-log.ts';
import type { ChatConnectAnswer, ChatConnectJob, ChatMode } from './chat-protocol.ts';
import { type Child, forkChild } from './child.ts';
import type { Cleanup } from './cleanup.ts';
import { type BenchUser, createPublishedEvent, registerUsers } from './setup.ts';

const CONNECT_CONCURRENCY = 50;

export interface ChatSpec {
  channelId: string;
  token: string;
}

/** Everything a phase drives: the floor, the load processes and the clients each holds. */
export interface ChatRig {
  floor: Child;
  floorUrl: string;
  loads: Child[];
  /** Per load process, its clients (whole channels: channel c → process c mod P; client i → channel i mod K). */
  shares: ChatSpec[][];
}

/** Registers `m` users and an organiser, who opens `k` topic channels in a published event. */
export async function prepareChat(base: string, runId: string, m: number, k: number) {
  console.log(`setup: registering ${m} users and an organiser, opening ${k} channels…`);
  const setupStart = performance.now();
  const [organiser] = await registerUsers(base, `organiser-${runId}`, 0, 1);
  const users: BenchUser[] = await registerUsers(base, `chatter-${runId}`, 1, m);
  const token = organiser!.accessToken;
  const { eventId } = await createPublishedEvent(base, token, `Chat bench ${runId}`);
  const channels: Channel[] = [];
  for (let c = 0; c < k; c++) {
    const channel = await call<{ id: string }>(base, 'POST', `/api/v1/events/${eventId}/channels`, {
      token,
      body: { name: `bench ${c}`, kind: 'topic' },
    });
    channels.push({ id: channel.id, reader: users[c]!.accessToken });
  }
  console.log(`setup done in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);
  return { users, channels };
}

/** Starts the floor and `procs` load processes (stopped by `cleanup`) and hands each its clients. */
export async function startRig(
  users: BenchUser[],
  channels: Channel[],
  procs: number,
  cleanup: Cleanup,
): Promise<ChatRig> {
  const floor = forkChild(path.join(import.meta.dirname, 'floor-server.ts'), ['socketio']);
  cleanup.add('stop the floor', () => floor.kill());
  const { port } = await floor.request<{ port: number }>('start');
  const loads: Child[] = Array.from({ length: procs }, () =>
    forkChild(path.join(import.meta.dirname, 'chat-load.ts')),
  );
  cleanup.add('stop the load processes', () => {
    for (const load of loads) load.kill();
  });
  const shares: ChatSpec[][] = loads.map(() => []);
  for (let i = 0; i < users.length; i++) {
    const c = i % channels.length;
    shares[c % procs]!.push({ channelId: channels[c]!.id, token: users[i]!.accessToken });
  }
  return { floor, floorUrl: `http://127.0.0.1:${port}`, loads, shares };
}

/** Connects every client to `mode` (the floor's clients carry no token); throws unless all connected. */
export async function connectClients(rig: ChatRig, mode: ChatMode, url: string, m: number): Promise<void> {
  const answers = await Promise.all(
    rig.loads.map((load, p) =>
      load.request<ChatConnectAnswer>(
        'connect',
        {
          mode,
          url,
          clients: rig.shares[p]!.map((s) => (mode === 'muster' ? s : { channelId: s.channelId })),
          concurrency: CONNECT_CONCURRENCY,
        } satisfies ChatConnectJob,
        600_000,
      ),
    ),
  );
  const connected = answers.reduce((a, b) => a + b.connected, 0);
  console.log(
    `${mode}: ${connected}/${m} clients connected in ${(Math.max(...answers.map((a) => a.ms)) / 1000).toFixed(1)} s` +
      (connected < m ? ` (${answers.flatMap((a) => a.errors)[0]})` : ''),
  );
  if (connected < m) throw new Error(`${mode}: only ${connected} of ${m} clients connected`);
}
