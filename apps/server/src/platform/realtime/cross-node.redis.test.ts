import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthResult, Change, SyncResult } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket } from '../../../test/realtime-client.ts';
import { type ServerProcess, spawnServerProcess } from '../../../test/server-process.ts';
import { createTestDatabase } from '../../../test/test-database.ts';

/**
 * Two real server processes (`node apps/server/src/main.ts serve`, all roles) on one PostgreSQL
 * database and one Redis, as a deployment runs them: what one node commits reaches the other
 * node's clients through the bus, and presence counts span both. The in-process pair of
 * `gateway.redis.test.ts` shares one Node process; this one shares nothing but the database and Redis.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const jwtSecret = randomBytes(32).toString('hex');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-cross-node-'));
/** Registrations are rate-limited per address in Redis, which outlives runs: one random /24 per run. */
const addressBlock = `198.${18 + randomInt(2)}.${randomInt(256)}`;
let registrations = 0;

type Node = ServerProcess;
interface User {
  id: string;
  token: string;
}

let nodeA: Node;
let nodeB: Node;
const sockets: Socket[] = [];

/** One node as an operator starts it; the caller's own server settings do not leak in. */
async function startNode(name: string, databaseUrl: string): Promise<Node> {
  const node = await spawnServerProcess({
    env: {
      MUSTER_DATA_DIR: path.join(dataDir, name),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      JWT_SECRET: jwtSecret,
      MUSTER_SEED: 'never',
      HTTP_RATE_LIMIT_PER_MINUTE: '100000',
      // Registrations state their address in X-Forwarded-For from this host (see addressBlock).
      TRUST_PROXY: 'loopback',
    },
    clear: (key) => /^(MUSTER_|DATABASE_)/.test(key),
  });
  try {
    await node.ready(60_000, 100);
  } catch (error) {
    throw new Error(`node ${name}: ${(error as Error).message}`);
  }
  return node;
}

async function stopNode(node: Node | undefined) {
  await node?.stop(15_000);
}

async function api<T>(node: Node, method: string, route: string, token?: string, body?: object) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  if (route === '/api/v1/auth/register') headers['x-forwarded-for'] = `${addressBlock}.${++registrations}`;
  const res = await fetch(`${node.url}${route}`, {
    method,
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function register(node: Node, name: string): Promise<User> {
  const result = await api<AuthResult>(node, 'POST', '/api/v1/auth/register', undefined, {
    email: `${name.toLowerCase().replaceAll(' ', '-')}-${randomUUID()}@example.test`,
    password: 'correct horse battery staple',
    name,
  });
  return { id: result.user.id, token: result.accessToken };
}

async function connect(node: Node, user: User, scopes: string[]): Promise<Socket> {
  const socket = await connectSocket(node.url, user.token, sockets);
  if (scopes.length) {
    const ack = await socket.timeout(10_000).emitWithAck('subscribe', { scopes });
    expect(ack).toMatchObject({ ok: true, refused: {} });
  }
  return socket;
}

let organiser: User;
let eventId: string;
let channelId: string;

beforeAll(async () => {
  const { database, url } = await createTestDatabase();
  await database.close();
  if (!url) throw new Error('the redis tier runs on PostgreSQL (MUSTER_TEST_DB=postgres)');
  [nodeA, nodeB] = await Promise.all([startNode('a', url), startNode('b', url)]);
  organiser = await register(nodeA, 'Organiser');
  const community = await api<{ id: string }>(nodeA, 'POST', '/api/v1/communities', organiser.token, {
    name: 'Two nodes',
  });
  const event = await api<{ id: string }>(nodeA, 'POST', '/api/v1/events', organiser.token, {
    communityId: community.id,
    title: 'Cross-node',
    startsAt: '2031-06-01T07:00:00.000Z',
    endsAt: '2031-06-01T10:00:00.000Z',
    timezone: 'Europe/Berlin',
    visibility: 'public',
  });
  eventId = event.id;
  await api(nodeA, 'POST', `/api/v1/events/${eventId}/publish`, organiser.token);
  const channel = await api<{ id: string }>(
    nodeA,
    'POST',
    `/api/v1/events/${eventId}/channels`,
    organiser.token,
    {
      kind: 'topic',
      name: 'Hallway',
    },
  );
  channelId = channel.id;
  // One sender's burst is a flood to the event's moderation filters (which would mute them): this
  // test is about cross-node delivery, so the event turns flood control off.
  await api(nodeA, 'PUT', `/api/v1/events/${eventId}/moderation/settings`, organiser.token, {
    filters: { profanity: true, links: true, flood: false },
    blockedWords: [],
    qnaPremoderation: false,
  });
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([stopNode(nodeA), stopNode(nodeB)]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sent = (changes: Change[]) => changes.filter((c) => c.entity === 'messaging.messageSent');

describe('two server processes on one PostgreSQL and one Redis', () => {
  it("delivers to a client on node B, exactly once and in seq order, what node A's socket and REST API accept", async () => {
    const scope = `channel:${channelId}`;
    const [sender, receiver] = await Promise.all([register(nodeA, 'Sender'), register(nodeB, 'Receiver')]);
    const onB = await connect(nodeB, receiver, [scope]);
    const received: Change[] = [];
    onB.on('change', (change: Change) => received.push(change));
    const onA = await connect(nodeA, sender, []);

    // Both paths at once, interleaved: socket `message.send` and REST `POST …/messages`, all on node A.
    const acks = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const message = { clientMsgId: `cross-${i}`, body: `message ${i}` };
        if (i % 2 === 0) {
          const ack = await onA.timeout(10_000).emitWithAck('message.send', { channelId, ...message });
          expect(ack, `socket send ${i}`).toMatchObject({ ok: true });
          return ack as { id: string; seq: number };
        }
        const route = `/api/v1/channels/${channelId}/messages`;
        return api<{ id: string; seq: number }>(nodeA, 'POST', route, sender.token, message);
      }),
    );
    expect(acks.map((a) => a.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await expect.poll(() => sent(received).length, { timeout: 10_000 }).toBe(20);

    // A window for late duplicates (the outbox relay republishes what the bus missed), closed by one more message.
    await sleep(2500);
    const last = await api<{ id: string; seq: number }>(
      nodeA,
      'POST',
      `/api/v1/channels/${channelId}/messages`,
      sender.token,
      {
        clientMsgId: 'cross-last',
        body: 'last',
      },
    );
    await expect.poll(() => sent(received).at(-1)?.id, { timeout: 10_000 }).toBe(last.id);

    const pushed = sent(received);
    expect(pushed.map((c) => c.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const bySeq = new Map([...acks, last].map((a) => [a.seq, a.id]));
    expect(pushed.map((c) => c.id)).toEqual(pushed.map((c) => bySeq.get(c.seq)));
    // What B pushed is exactly the log, as B's own sync endpoint reads it.
    const log = await api<SyncResult>(
      nodeB,
      'GET',
      `/api/v1/sync?scopes=${encodeURIComponent(`${scope}@0`)}&limit=1000`,
      receiver.token,
    );
    const answer = log.scopes[scope] as { changes: Change[] };
    expect(received.map((c) => [c.seq, c.id])).toEqual(answer.changes.map((c) => [c.seq, c.id]));
  });

  it('counts who is online in an event across both nodes, both ways', async () => {
    const scope = `event:${eventId}`;
    const [onA, onB] = await Promise.all([register(nodeA, 'Online A'), register(nodeB, 'Online B')]);
    const countsOnA: number[] = [];
    const countsOnB: number[] = [];
    const socketA = await connect(nodeA, onA, [scope]);
    socketA.on(
      'presence',
      (p: { scope: string; online: number }) => p.scope === scope && countsOnA.push(p.online),
    );
    await expect.poll(() => countsOnA.at(-1), { timeout: 10_000 }).toBe(1);
    const socketB = await connect(nodeB, onB, [scope]);
    socketB.on(
      'presence',
      (p: { scope: string; online: number }) => p.scope === scope && countsOnB.push(p.online),
    );
    // B counts A's user; A learns of B's user although nothing changed on A.
    await expect.poll(() => countsOnB.at(-1), { timeout: 10_000 }).toBe(2);
    await expect.poll(() => countsOnA.at(-1), { timeout: 10_000 }).toBe(2);
    socketA.close();
    await expect.poll(() => countsOnB.at(-1), { timeout: 10_000 }).toBe(1);
  });
});
