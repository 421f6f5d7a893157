import type { Change, Question } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, call, quickUsers } from '../../../test/factories/events.ts';
import { askQuestion, moderateQuestion } from '../../../test/factories/questions.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';

const server = useTestServer({ listen: true });
const sockets: Socket[] = [];
afterAll(() => {
  for (const socket of sockets) socket.close();
});

describe('questions over the socket', () => {
  it('pushes the audience view to followers of the session, never the anonymous asker, and deletes hidden ones', async () => {
    const organiser = await registerUser(server);
    const asker = await registerUser(server, { name: 'Hidden Identity' });
    const [listener, ...voters] = (await quickUsers(server, 6)) as [TestUser, ...TestUser[]];
    const event = await buildEvent(server, organiser);
    const session = await buildSession(server, organiser, event.id);
    const scope = `session:${session.id}`;

    const socket = await connectSocket(server.url, listener.accessToken, sockets);
    const frames: Change[] = [];
    socket.on('change', (change: Change) => {
      if (change.scope === scope) frames.push(change);
    });
    const raw: string[] = [];
    socket.onAny((_event, ...args) => raw.push(JSON.stringify(args)));
    expect(await socket.timeout(5000).emitWithAck('subscribe', { scopes: [scope] })).toMatchObject({
      ok: true,
    });

    const q = await askQuestion(server, asker, session.id, { body: 'Anonymous, please', anonymous: true });
    await Promise.all(voters.map((v) => call(server, 'PUT', `/api/v1/questions/${q.id}/upvote`, v)));
    await expect
      .poll(
        () =>
          frames
            .filter((f) => f.op === 'upsert')
            .map((f) => (f.data as Question).upvotes)
            .at(-1),
        {
          timeout: 5000,
        },
      )
      .toBe(voters.length);
    await moderateQuestion(server, organiser, q.id, 'hidden');
    await expect.poll(() => frames.at(-1)?.op, { timeout: 5000 }).toBe('delete');

    expect(frames.every((f) => f.op === 'delete' || (f.data as Question).asker === null)).toBe(true);
    const everything = raw.join('\n');
    expect(everything).not.toContain(asker.id);
    expect(everything).not.toContain('Hidden Identity');
  });
});
