import type { Change, Message, ReadState } from '@muster/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, quickUsers } from '../../../test/factories/events.ts';
import { buildChannel, listMessages, postMessage, scopeChanges } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let eventId: string;
beforeAll(async () => {
  organiser = await registerUser(server);
  eventId = (await buildEvent(server, organiser)).id;
});

type Op = { kind: 'send'; user: number; key: number } | { kind: 'read'; user: number; seq: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), user: fc.nat(2), key: fc.nat(4) }),
  fc.record({ kind: fc.constant('read' as const), user: fc.nat(2), seq: fc.nat(25) }),
);

/**
 * Random concurrent senders (with retried clientMsgIds) and readers on one channel: the channel
 * log stays gap-free, holds exactly one message per (sender, clientMsgId), each message's seq is
 * its record's seq, and every reader's read marker only moves forward, onto messages.
 */
describe('messaging under random concurrent load', () => {
  it('keeps the channel log, the messages and the markers consistent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        async (batches) => {
          const channel = await buildChannel(server, organiser, eventId);
          const users = await quickUsers(server, 3);
          const sent = new Map<string, string>();
          for (const batch of batches) {
            await Promise.all(
              batch.map(async (o) => {
                const user = users[o.user]!;
                if (o.kind === 'send') {
                  const res = await postMessage(server, user, channel.id, `k${o.key}`, {
                    clientMsgId: `k${o.key}`,
                  });
                  expect([200, 201]).toContain(res.statusCode);
                  const id = res.json<Message>().id;
                  const key = `${o.user}:${o.key}`;
                  expect(sent.get(key) ?? id).toBe(id);
                  sent.set(key, id);
                } else {
                  const res = await server.app.inject({
                    method: 'POST',
                    url: `/api/v1/channels/${channel.id}/read`,
                    headers: user.headers,
                    payload: { seq: o.seq },
                  });
                  expect([200, 400]).toContain(res.statusCode);
                }
              }),
            );
          }
          const log = await scopeChanges(server, organiser, `channel:${channel.id}`);
          expect(log.map((c) => c.seq)).toEqual(log.map((_, i) => i + 1));
          const messages = (await listMessages(server, organiser, channel.id, '?limit=200')).items;
          const sentRecords = log.filter((c) => c.entity === 'messaging.messageSent');
          expect(sentRecords.map((c) => [c.id, c.seq])).toEqual(messages.map((m) => [m.id, m.seq]));
          expect(new Set(messages.map((m) => m.id))).toEqual(new Set(sent.values()));
          const messageSeqs = new Set(messages.map((m) => m.seq));
          for (const user of users) {
            const states = (await scopeChanges(server, user, `user:${user.id}`))
              .filter((c: Change) => c.entity === 'messaging.readStateChanged' && c.id === channel.id)
              .map((c) => (c.data as ReadState).lastReadSeq);
            for (let i = 0; i < states.length; i++) {
              expect(messageSeqs.has(states[i]!)).toBe(true);
              if (i > 0) expect(states[i]!).toBeGreaterThan(states[i - 1]!);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
