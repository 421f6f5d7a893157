import type { Change } from '@muster/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, quickUsers } from '../../../test/factories/events.ts';
import { buildChannel, postMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { SyncingClient } from '../../../test/realtime-client.ts';
import { readChanges } from '../changes/change-log.ts';

const server = useTestServer({ listen: true, headsIntervalMs: 500 });
let organiser: TestUser;
let receiver: TestUser;
let senders: TestUser[];
let channelId: string;
let client: SyncingClient | undefined;

beforeAll(async () => {
  organiser = await registerUser(server);
  receiver = await registerUser(server);
  senders = await quickUsers(server, 50, 'Sender');
  const event = await buildEvent(server, organiser);
  channelId = (await buildChannel(server, organiser, event.id, { kind: 'topic' })).id;
  // 20 messages per sender in seconds is a flood to the event's moderation filters, which would mute
  // them: this test is about delivery under load, so the event turns flood control off.
  await call(server, 'PUT', `/api/v1/events/${event.id}/moderation/settings`, organiser, {
    filters: { profanity: true, links: true, flood: false },
    blockedWords: [],
    qnaPremoderation: false,
  });
});
afterAll(async () => {
  client?.close();
});

describe('a 1,000-message burst', () => {
  it('ends with all 1,000 in seq order on a client whose socket dropped in the middle', async () => {
    const scope = `channel:${channelId}`;
    client = new SyncingClient({ baseUrl: server.url, token: receiver.accessToken, scopes: [scope] });
    await new Promise<void>((resolve) => client!.socket.once('connect', () => resolve()));
    let dropped = false;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      const sender = senders[i % senders.length]!;
      sends.push(postMessage(server, sender, channelId, `message ${i}`, { clientMsgId: `m-${i}` }));
      if (i === 400) {
        // The venue Wi-Fi drops: the transport closes under the burst and the client reconnects.
        await new Promise((r) => setTimeout(r, 20));
        client.socket.io.engine.close();
        dropped = true;
      }
    }
    const results = (await Promise.all(sends)) as { statusCode: number }[];
    expect(dropped).toBe(true);
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    const read = await readChanges(server.platform.db, scope, 0, 5000);
    if ('reset' in read) throw new Error('reset');
    const sent = read.changes.filter((c: Change) => c.entity === 'messaging.messageSent');
    expect(sent).toHaveLength(1000);
    await expect.poll(() => client!.cursors.get(scope), { timeout: 15_000 }).toBe(read.head);
    const got = client.log.get(scope)!;
    expect(got.map((c) => c.seq)).toEqual(read.changes.map((c) => c.seq));
    expect(new Set(got.map((c) => c.id)).size).toBe(got.length);
    expect(got).toEqual(read.changes);
  });
});
