import { createSecretKey } from 'node:crypto';
import type { ChannelView, Event, Session, User } from '@muster/protocol';
import { decodeJwt, SignJWT } from 'jose';
import { buildSession } from '../../../apps/server/test/factories/agenda.ts';
import { buildEvent } from '../../../apps/server/test/factories/events.ts';
import { buildChannel } from '../../../apps/server/test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../apps/server/test/factories.ts';
import type { TestServer } from '../../../apps/server/test/harness.ts';
import { MusterClient, type MusterClientOptions } from '../src/index.ts';
import { type ManualSignals, manualSignals } from '../src/platform.ts';
import { MemoryStorage } from '../src/storage/memory.ts';

/** The secret `createTestServer` configures; used to mint tokens with a chosen expiry. */
const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/** The same access token (user, family) with another expiry, signed like the server signs. */
export async function retimedToken(accessToken: string, expiresInSeconds: number): Promise<string> {
  const claims = decodeJwt(accessToken);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'access', fam: claims.fam })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(claims.sub))
    .setIssuer('muster')
    .setAudience('muster-api')
    .setIssuedAt(now - 3600)
    .setExpirationTime(now + expiresInSeconds)
    .sign(createSecretKey(Buffer.from(TEST_JWT_SECRET, 'utf8')));
}

export interface World {
  organiser: TestUser;
  attendee: TestUser;
  event: Event;
  sessions: Session[];
  channel: ChannelView;
}

/** A published public event with sessions in different rooms and a topic channel. */
export async function buildWorld(server: TestServer, sessionCount = 3): Promise<World> {
  const organiser = await registerUser(server, { name: 'Olga Organiser' });
  const attendee = await registerUser(server, { name: 'Ada Attendee' });
  const event = await buildEvent(server, organiser, { endsAt: '2031-06-04T07:00:00.000Z' });
  const sessions: Session[] = [];
  for (let i = 0; i < sessionCount; i++) {
    const hour = String(9 + i).padStart(2, '0');
    sessions.push(
      await buildSession(server, organiser, event.id, {
        title: `Session ${i + 1}`,
        startsAt: `2031-06-01T${hour}:00:00.000Z`,
        endsAt: `2031-06-01T${hour}:45:00.000Z`,
        room: `Room ${i + 1}`,
      }),
    );
  }
  const channel = await buildChannel(server, organiser, event.id);
  return { organiser, attendee, event, sessions, channel };
}

export interface TestClient {
  client: MusterClient;
  storage: MemoryStorage;
  signals: ManualSignals;
}

/**
 * An SDK client already signed in as `user` (its saved session restored from storage, as after a
 * reload), against the listening test server. Pass `storage` to restart on the same device.
 */
export async function clientFor(
  server: TestServer,
  user: TestUser,
  options: Partial<MusterClientOptions> & { storage?: MemoryStorage; signals?: ManualSignals } = {},
): Promise<TestClient> {
  const storage = options.storage ?? new MemoryStorage();
  const signals = options.signals ?? manualSignals();
  if (!(await storage.get('auth'))) {
    const me = await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers });
    await storage.set('auth', {
      user: me.json<User>(),
      accessToken: user.accessToken,
      refreshToken: user.refreshToken,
    });
  }
  const client = new MusterClient({
    baseUrl: server.url,
    storage,
    signals,
    realtime: { transports: ['websocket'], backoffBaseMs: 50, backoffMaxMs: 400 },
    ...options,
  });
  await client.start();
  return { client, storage, signals };
}

/** Resolves when `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A REST call as `user` through the server's `inject`, failing loudly on an error status. */
export async function asUser<T>(
  server: TestServer,
  user: TestUser,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
): Promise<T> {
  const res = await server.app.inject({
    method,
    url,
    headers: user.headers,
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return (res.body ? res.json() : undefined) as T;
}
