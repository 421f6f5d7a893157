/**
 * Set-up of the `node-kill` drill: two Muster nodes on one fresh database and the local Redis
 * behind nginx, the users (each registering from its own address), an event with its channels,
 * and the chat clients, connected and subscribed.
 */
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cleanup } from '../../../bench/lib/cleanup.ts';
import { clientAddress } from '../../../bench/lib/setup.ts';
import { ChatClient, now, type Transport } from './chat-client.ts';
import { api } from './drill-api.ts';
import { freePort, type MusterNode, type Nginx, startNginx, startNode } from './processes.ts';

const CONNECT_TIMEOUT_MS = 20_000;

export interface Cluster {
  nodeA: MusterNode;
  nodeB: MusterNode;
  nginx: Nginx;
}

export interface DrillWorld {
  users: { user: { id: string }; accessToken: string }[];
  channelIds: string[];
  /** First index of this run's block of client addresses: client i states `clientAddress(base + i)`. */
  base: number;
  /** Prefix of this run's names and clientMsgIds. */
  tag: string;
}

type Say = (text: string) => void;

/** Half the clients on WebSocket only, a quarter long-polling only, a quarter polling upgraded to WebSocket. */
export const transportsOf = (i: number): Transport[] =>
  i % 4 === 0 ? ['polling'] : i % 4 === 1 ? ['polling', 'websocket'] : ['websocket'];

/** Node A, then node B (the first applies the migrations to the fresh database), then nginx in front. */
export async function startCluster(
  dir: string,
  env: Record<string, string>,
  cleanup: Cleanup,
  say: Say,
): Promise<Cluster> {
  const nginxPort = await freePort();
  const nodes: MusterNode[] = [];
  for (const name of ['node-a', 'node-b']) {
    const dataDir = path.join(dir, name);
    fs.mkdirSync(dataDir);
    const node = await startNode(
      name,
      // nginx (on loopback) appends the address it saw; drill clients state theirs before it.
      {
        ...env,
        MUSTER_DATA_DIR: dataDir,
        PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
        TRUST_PROXY: '127.0.0.1',
      },
      dir,
    );
    nodes.push(node);
    cleanup.add(`stop ${name}`, () => node.stop());
    say(`${name} ready on ${node.url} (pid ${node.child.pid})`);
  }
  const [nodeA, nodeB] = nodes as [MusterNode, MusterNode];
  const nginx = await startNginx(
    nodes.map((n) => `127.0.0.1:${n.port}`),
    dir,
    nginxPort,
  );
  cleanup.add('stop nginx', () => nginx.stop(5000));
  say(`nginx on ${nginx.url} (pid ${nginx.child.pid}) → ${nodes.map((n) => n.port).join(', ')}`);
  return { nodeA, nodeB, nginx };
}

/** Registers `clientCount` users (eight at a time) and an organiser. */
async function registerAll(url: string, clientCount: number, base: number, tag: string) {
  const password = randomBytes(12).toString('hex');
  const register = (i: number, name: string) =>
    api<{ user: { id: string }; accessToken: string }>(url, 'POST', '/api/v1/auth/register', {
      from: clientAddress(base + i),
      body: { email: `${name}-${tag}-${i}@drill.muster.test`, password, name: `${name} ${i}` },
    });
  const organiser = await register(clientCount, 'organiser');
  const users: DrillWorld['users'] = [];
  for (let i = 0; i < clientCount; i += 8)
    users.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(8, clientCount - i) }, (_, j) => register(i + j, 'user')),
      )),
    );
  return { organiser, users };
}

/**
 * Users, each registering from its own address (registration is limited per address), on a random
 * block of the range per run, so runs back to back stay far below that limit; an organiser's
 * published event with `channelCount` topic channels.
 */
export async function prepareWorld(
  url: string,
  clientCount: number,
  channelCount: number,
): Promise<DrillWorld> {
  const base = randomInt(0, 131_072 - clientCount - 2);
  const tag = randomBytes(3).toString('hex');
  const { organiser, users } = await registerAll(url, clientCount, base, tag);
  const as = { token: organiser.accessToken, from: clientAddress(base + clientCount) };
  const community = await api<{ id: string }>(url, 'POST', '/api/v1/communities', {
    ...as,
    body: { name: `Drill ${tag}` },
  });
  const startsAt = new Date(Date.now() + 86_400_000);
  const event = await api<{ id: string }>(url, 'POST', '/api/v1/events', {
    ...as,
    body: {
      communityId: community.id,
      title: `Node-kill drill ${tag}`,
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      timezone: 'UTC',
      visibility: 'public',
    },
  });
  await api(url, 'POST', `/api/v1/events/${event.id}/publish`, as);
  const channelIds: string[] = [];
  for (let c = 0; c < channelCount; c++) {
    const channel = await api<{ id: string }>(url, 'POST', `/api/v1/events/${event.id}/channels`, {
      ...as,
      body: { name: `drill ${c}`, kind: 'topic' },
    });
    channelIds.push(channel.id);
  }
  return { users, channelIds, base, tag };
}

/** One client per user (client i in channel i mod channels), through nginx; resolves once all are subscribed. */
export async function connectClients(url: string, world: DrillWorld, clients: ChatClient[]): Promise<void> {
  const { users, channelIds, base, tag } = world;
  for (let i = 0; i < users.length; i++) {
    clients.push(
      new ChatClient({
        index: i,
        baseUrl: url,
        token: users[i]!.accessToken,
        channelId: channelIds[i % channelIds.length]!,
        address: clientAddress(base + i),
        transports: transportsOf(i),
        tag,
      }),
    );
  }
  const deadline = now() + CONNECT_TIMEOUT_MS;
  while (clients.some((c) => !c.socket.connected || c.subscribedAt === undefined)) {
    if (now() > deadline) {
      const missing = clients.filter((c) => !c.socket.connected).length;
      throw new Error(`${missing} clients did not connect within 20 s`);
    }
    await sleep(100);
  }
  await sleep(500);
}
