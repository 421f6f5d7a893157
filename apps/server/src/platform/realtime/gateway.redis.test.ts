import type { Change } from '@muster/protocol';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { type TestServer, useTestServer } from '../../../test/harness.ts';

/** Two nodes of one deployment: one PostgreSQL database, one Redis. */
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const nodeA = useTestServer({ listen: true, env: { REDIS_URL: redisUrl } });
const nodeB = useTestServer(() => ({
  listen: true,
  env: { REDIS_URL: redisUrl },
  databaseUrl: nodeA.databaseUrl!,
}));
let organiser: TestUser;
let attendee: TestUser;
let eventId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  organiser = await registerUser(nodeA);
  attendee = await registerUser(nodeA);
  eventId = (await buildEvent(nodeA, organiser, { status: 'published', visibility: 'public' })).id;
});
afterAll(async () => {
  for (const s of sockets) s.close();
});

async function connect(node: TestServer, user: TestUser, scopes: string[]) {
  const socket = io(node.url, { transports: ['websocket'], auth: { token: user.accessToken } });
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const ack = await socket.emitWithAck('subscribe', { scopes });
  expect(ack.ok).toBe(true);
  return socket;
}

describe('two nodes behind one Redis', () => {
  it('delivers a change committed on node A to a client connected to node B, once and in order', async () => {
    const onB = await connect(nodeB, attendee, [`event:${eventId}`]);
    const received: Change[] = [];
    onB.on('change', (c: Change) => received.push(c));
    for (let i = 0; i < 5; i++) {
      const res = await nodeA.app.inject({
        method: 'PATCH',
        url: `/api/v1/events/${eventId}`,
        headers: organiser.headers,
        payload: { description: `from A ${i}` },
      });
      expect(res.statusCode).toBe(200);
    }
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(5);
    const seqs = received.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(5);
  });

  it('shares presence across nodes', async () => {
    const onA = await connect(nodeA, organiser, [`event:${eventId}`]);
    const counts: number[] = [];
    onA.on('presence', (p: { scope: string; online: number }) => counts.push(p.online));
    const other = await registerUser(nodeA);
    await connect(nodeB, other, [`event:${eventId}`]);
    await expect.poll(() => counts.at(-1), { timeout: 8000 }).toBeGreaterThanOrEqual(2);
  });
});
