import type { RevokedEvent, SessionEndedEvent } from '@muster/protocol';
import { and, eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, grantRole } from '../../../test/factories/events.ts';
import { buildChannel } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';
import { eventRoles } from '../../modules/events/index.ts';
import { refreshTokens } from '../../modules/identity/index.ts';

/**
 * The safety net under the immediate re-checks: an access change whose publication never reached
 * the node (here: written straight to the database, with no change record at all) is still
 * applied to open sockets by the periodic sweep (every second in this file).
 */
const server = useTestServer({ listen: true, env: { SOCKET_ACCESS_SWEEP_SECONDS: '1' } });
const sockets: Socket[] = [];
const POLL = { timeout: 15_000 };
let organiser: TestUser;
let eventId: string;

beforeAll(async () => {
  organiser = await registerUser(server);
  eventId = (await buildEvent(server, organiser, { status: 'published', visibility: 'public' })).id;
});
afterAll(() => {
  for (const socket of sockets) socket.close();
});

describe('the periodic access sweep', () => {
  it('takes a scope away when the role behind it is gone without any change being published', async () => {
    const staffChannelId = (await buildChannel(server, organiser, eventId, { kind: 'staff' })).id;
    const staff = await registerUser(server);
    await grantRole(server, eventId, organiser, staff, 'staff');
    const socket = await connectSocket(server.url, staff.accessToken, sockets);
    const revoked: RevokedEvent[] = [];
    socket.on('revoked', (event: RevokedEvent) => revoked.push(event));
    const ack = await socket
      .timeout(5000)
      .emitWithAck('subscribe', { scopes: [`channel:${staffChannelId}`] });
    expect(ack).toMatchObject({ ok: true, refused: {} });

    await server.platform.db
      .delete(eventRoles)
      .where(and(eq(eventRoles.eventId, eventId), eq(eventRoles.userId, staff.id)));
    await expect
      .poll(() => revoked, POLL)
      .toEqual([{ scope: `channel:${staffChannelId}`, code: 'not_found' }]);
  });

  it('closes a socket whose session was revoked without any change being published', async () => {
    const user = await registerUser(server);
    const socket = await connectSocket(server.url, user.accessToken, sockets);
    const ended: SessionEndedEvent[] = [];
    socket.on('session_ended', (event: SessionEndedEvent) => ended.push(event));
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    await server.platform.db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(eq(refreshTokens.userId, user.id));
    expect(await closed).toBe('io server disconnect');
    expect(ended).toEqual([{ reason: 'session_revoked' }]);
  });
});
