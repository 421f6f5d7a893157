import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../../../test/factories/events.ts';
import { eventually } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { createSubscriptionKeys } from '../../../test/fake-push/index.ts';
import { useTestServer } from '../../../test/harness.ts';
import { connectSocket } from '../../../test/realtime-client.ts';
import { pushSubscriptions } from './notifications.tables.ts';

const server = useTestServer({ listen: true });
const sockets: Socket[] = [];
afterAll(() => {
  for (const socket of sockets) socket.close();
});

const connect = (user: TestUser) => connectSocket(server.url, user.accessToken, sockets);

async function withDevice() {
  const user = await registerUser(server, { name: 'Vera' });
  const { id } = await call<{ id: string }>(server, 'POST', '/api/v1/me/push-subscriptions', user, {
    endpoint: 'https://push.example.test/vera',
    keys: createSubscriptionKeys().keys,
  });
  const visibleUntil = async () =>
    (await server.platform.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id)))[0]!
      .visibleUntil;
  return { user, id, visibleUntil };
}

describe('device.visibility', () => {
  it('marks the device on screen, then hidden when the app says so', async () => {
    const { user, id, visibleUntil } = await withDevice();
    const socket = await connect(user);
    expect(await socket.emitWithAck('device.visibility', { visible: true, pushSubscriptionId: id })).toEqual({
      ok: true,
    });
    expect((await visibleUntil())!.getTime()).toBeGreaterThan(Date.now());
    await socket.emitWithAck('device.visibility', { visible: false, pushSubscriptionId: id });
    expect(await visibleUntil()).toBeNull();
  });

  it('is hidden again as soon as the socket that showed it is gone', async () => {
    const { user, id, visibleUntil } = await withDevice();
    const socket = await connect(user);
    await socket.emitWithAck('device.visibility', { visible: true, pushSubscriptionId: id });
    expect(await visibleUntil()).not.toBeNull();
    socket.disconnect();
    await eventually(async () => ((await visibleUntil()) === null ? true : undefined));
  });

  it('cannot show someone else’s device', async () => {
    const { id, visibleUntil } = await withDevice();
    const stranger = await registerUser(server, { name: 'Mallory' });
    const socket = await connect(stranger);
    await socket.emitWithAck('device.visibility', { visible: true, pushSubscriptionId: id });
    expect(await visibleUntil()).toBeNull();
  });
});
