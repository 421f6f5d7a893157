import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../../../../apps/server/test/factories.ts';
import { createTestServer, type TestServer } from '../../../../apps/server/test/harness.ts';
import { clientFor, retimedToken } from '../../test/helpers.ts';
import { defaultTimers, MusterApiError, MusterClient, MusterNetworkError } from '../index.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { StoredAuth } from './auth.ts';

let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({ listen: true });
});
afterAll(async () => server?.stop());

/** Puts an expired access token in the client's storage, as after a night in a drawer. */
async function expireAccessToken(storage: MemoryStorage) {
  const saved = (await storage.get<StoredAuth>('auth'))!;
  await storage.set('auth', { ...saved, accessToken: await retimedToken(saved.accessToken, -60) });
}

describe('sign-in and silent refresh', () => {
  it('registers, signs in and answers typed results', async () => {
    const storage = new MemoryStorage();
    const client = new MusterClient({ baseUrl: server.url, storage });
    const email = `sdk-${Date.now()}@example.test`;
    const user = await client.register({ email, password: 'correct horse battery staple', name: 'Sam' });
    expect(user.email).toBe(email);
    expect((await client.api.me.get()).id).toBe(user.id);
    await client.saveNote('01900000-0000-7000-8000-000000000000', 'a note that will fail');
    await client.signOut({ forget: true });
    expect(client.user).toBeNull();
    // Nothing of the user stays on the device: no tokens, no local state, no queued writes.
    expect(storage.keys()).toEqual([]);
    await expect(client.api.me.get()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    const again = await client.signIn({ email, password: 'correct horse battery staple' });
    expect(again.id).toBe(user.id);
    await client.close();
  });

  it('turns problem+json into MusterApiError with code, field errors and Retry-After', async () => {
    const client = new MusterClient({ baseUrl: server.url });
    const invalid = await client.api.auth
      .register({ email: 'not-an-email', password: 'short', name: '' })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(MusterApiError);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((invalid as MusterApiError).errors.map((e) => e.field)).toContain('body.email');

    const user = await registerUser(server);
    let limited: unknown;
    for (let i = 0; i < 12 && !limited; i++)
      await client.api.auth.login({ email: user.email, password: 'wrong password!' }).catch((e: unknown) => {
        if ((e as MusterApiError).status === 429) limited = e;
      });
    expect(limited).toMatchObject({ status: 429, code: 'rate_limited' });
    expect((limited as MusterApiError).retryAfterSeconds).toBeGreaterThan(0);

    const unreachable = new MusterClient({ baseUrl: 'http://127.0.0.1:9' });
    await expect(unreachable.api.events.list()).rejects.toBeInstanceOf(MusterNetworkError);
  });

  it('uses a fresh token for its life on a device whose clock is hours ahead, not refreshing before every request', async () => {
    const ahead = { ...defaultTimers, now: () => Date.now() + 2 * 3600_000 };
    const client = new MusterClient({ baseUrl: server.url, storage: new MemoryStorage(), timers: ahead });
    await client.register({
      email: `skew-${Date.now()}@example.test`,
      password: 'correct horse battery staple',
      name: 'Skewed Clock',
    });
    for (let i = 0; i < 5; i++) await client.api.me.get();
    // Judged by the token's `exp` against this clock, every token looked two hours dead.
    expect(client.auth.refreshCount).toBe(0);
    await client.close();
  });

  it('refreshes once for the socket and many concurrent requests with an expired token', async () => {
    const user = await registerUser(server);
    const storage = new MemoryStorage();
    const { client } = await clientFor(server, user, { storage });
    await client.close();
    await expireAccessToken(storage);
    const before = client.auth.refreshCount;
    // Starting connects the socket (which needs a fresh token too) while eight requests go out.
    await client.start();
    const answers = await Promise.all(Array.from({ length: 8 }, () => client.api.me.get()));
    expect(answers.every((me) => me.id === user.id)).toBe(true);
    expect(client.auth.refreshCount - before).toBe(1);
    // The rotated pair is saved, and the family is intact: the next refresh works as well.
    const saved = (await storage.get<StoredAuth>('auth'))!;
    expect(saved.refreshToken).not.toBe(user.refreshToken);
    expect(await client.auth.refresh()).toBeTypeOf('string');
    expect((await client.api.me.get()).id).toBe(user.id);
    await client.close();
  });

  it('adopts a pair another client on the same storage rotated instead of spending the old token', async () => {
    const user = await registerUser(server);
    const storage = new MemoryStorage();
    const { client: tab1 } = await clientFor(server, user, { storage });
    const { client: tab2 } = await clientFor(server, user, { storage });
    await tab1.auth.refresh();
    // tab2 still holds the spent refresh token in memory; presenting it would revoke the family.
    expect(await tab2.auth.refresh()).toBe(tab1.auth.currentAccessToken());
    expect((await tab2.api.me.get()).id).toBe(user.id);
    expect((await tab1.api.me.get()).id).toBe(user.id);
    await tab1.close();
    await tab2.close();
  });

  it('signs out when the refresh token is refused', async () => {
    const user = await registerUser(server);
    const storage = new MemoryStorage();
    const { client } = await clientFor(server, user, { storage });
    await client.close();
    await expireAccessToken(storage);
    // Another device logged this family out: the refresh token is revoked.
    await client.api.auth.logout({ refreshToken: user.refreshToken });
    await client.start();
    const signedOut: string[] = [];
    client.events.on('signedOut', ({ reason }) => signedOut.push(reason));
    await expect(client.api.me.get()).rejects.toMatchObject({ status: 401 });
    expect(signedOut).toEqual(['refresh_failed']);
    expect(client.user).toBeNull();
    expect(await storage.get('auth')).toBeUndefined();
  });
});
