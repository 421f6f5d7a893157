import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { communities } from '../../modules/communities/index.ts';
import { refreshTokens } from '../../modules/identity/index.ts';
import { sha256 } from '../auth/tokens.ts';
import { idempotencyKeys } from './idempotency.tables.ts';

const server = useTestServer();
let user: TestUser;
beforeAll(async () => {
  user = await registerUser(server);
});

const createCommunity = (key: string, name = 'Idempotent') =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/communities',
    headers: { ...user.headers, 'idempotency-key': key },
    payload: { name },
  });

describe('Idempotency-Key', () => {
  it('returns the first result for a repeat, and performs the write once', async () => {
    const first = await createCommunity('k-1');
    const again = await createCommunity('k-1');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(first.json().id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const fresh = await createCommunity('k-2');
    expect(fresh.json().id).not.toBe(first.json().id);
  });

  it('gives concurrent repeats one write between them', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => createCommunity('k-concurrent')));
    const created = results.filter((r) => r.statusCode === 201);
    expect(new Set(created.map((r) => r.json().id)).size).toBe(1);
    expect(results.every((r) => r.statusCode === 201 || r.statusCode === 409)).toBe(true);
    const after = await createCommunity('k-concurrent');
    expect(after.json().id).toBe(created[0]!.json().id);
  });

  it('refuses a key reused for a different request, and a malformed key', async () => {
    await createCommunity('k-3');
    const other = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { ...user.headers, 'idempotency-key': 'k-3' },
      payload: { name: 'Changed' },
    });
    expect(other.statusCode).toBe(409);
    const bad = await createCommunity('x'.repeat(500));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('headers.idempotency-key');
  });

  it('does not remember failures, so a corrected retry with the same key runs', async () => {
    const invalid = await createCommunity('k-4', '');
    expect(invalid.statusCode).toBe(400);
    const corrected = await createCommunity('k-4', 'Now valid');
    expect(corrected.statusCode).toBe(201);
  });

  it('keeps keys per caller', async () => {
    const other = await registerUser(server);
    const mine = await createCommunity('shared-key');
    const theirs = await server.app.inject({
      method: 'POST',
      url: '/api/v1/communities',
      headers: { ...other.headers, 'idempotency-key': 'shared-key' },
      payload: { name: 'Theirs' },
    });
    expect(theirs.statusCode).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
  });
});

describe('Idempotency-Key never hands out credentials', () => {
  const login = (payload: object, key: string) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'idempotency-key': key },
      payload,
    });

  it('gives a stranger repeating a key on register, login and refresh their own answer, not the tokens', async () => {
    const owner = { email: `owner-${randomUUID()}@example.test`, password: 'correct horse battery staple' };
    const registered = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: { 'idempotency-key': 'reg-key' },
      payload: { ...owner, name: 'Owner' },
    });
    expect(registered.statusCode).toBe(201);
    const stranger = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      headers: { 'idempotency-key': 'reg-key' },
      payload: {
        email: `stranger-${randomUUID()}@example.test`,
        password: 'another long password',
        name: 'S',
      },
    });
    expect(stranger.statusCode).toBe(201);
    expect(stranger.json().user.id).not.toBe(registered.json().user.id);

    const signedIn = await login(owner, 'login-key');
    expect(signedIn.statusCode).toBe(200);
    const guess = await login({ email: owner.email, password: 'not the password' }, 'login-key');
    expect(guess.statusCode).toBe(401);
    expect(guess.body).not.toContain(signedIn.json().refreshToken);

    const refresh = (refreshToken: string) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/refresh',
        headers: { 'idempotency-key': 'refresh-key' },
        payload: { refreshToken },
      });
    const rotated = await refresh(signedIn.json().refreshToken);
    expect(rotated.statusCode).toBe(200);
    const forged = await refresh('a-refresh-token-the-stranger-made-up');
    expect(forged.statusCode).toBe(401);
    expect(forged.body).not.toContain(rotated.json().refreshToken);
  });

  it('stores no refresh token in plaintext anywhere, only its SHA-256', async () => {
    const signedIn = await login({ email: user.email, password: user.password }, `plain-${randomUUID()}`);
    const refreshToken = signedIn.json().refreshToken as string;
    const rotated = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { ...user.headers, 'idempotency-key': `plain-${randomUUID()}` },
      payload: { refreshToken },
    });
    const tokens = [refreshToken, rotated.json().refreshToken as string];
    const kept = JSON.stringify(await server.platform.db.select().from(idempotencyKeys));
    const sessions = await server.platform.db.select().from(refreshTokens);
    for (const token of tokens) {
      expect(kept).not.toContain(token);
      expect(JSON.stringify(sessions)).not.toContain(token);
      expect(sessions.some((s) => s.tokenHash === sha256(token))).toBe(true);
    }
  });
});

describe('Idempotency-Key is bound to the request body', () => {
  it('refuses the same key with a different body (409) instead of replaying the first answer', async () => {
    const first = await createCommunity('k-body', 'First body');
    expect(first.statusCode).toBe(201);
    const other = await createCommunity('k-body', 'Second body');
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ code: 'conflict' });
    expect((await createCommunity('k-body', 'First body')).json().id).toBe(first.json().id);
  });
});

describe('Idempotency-Key record and business write commit together', () => {
  it('a crash after the commit (before the answer is recorded) does not let a retry run the POST twice', async () => {
    const name = `Crash ${randomUUID()}`;
    const { db } = server.platform;
    // The process "dies" between the business commit and recording the answer: every write to the
    // idempotency table outside a transaction fails from here on.
    const update = db.update.bind(db);
    db.update = ((table: unknown) => {
      if (table === idempotencyKeys) throw new Error('simulated crash before the answer was recorded');
      return update(table as never);
    }) as typeof db.update;
    try {
      await createCommunity('k-crash', name);
    } finally {
      db.update = update;
    }
    // Long enough later for the first attempt to count as dead.
    await db.execute(
      sql`UPDATE idempotency_keys SET created_at = now() - interval '1 hour' WHERE key = 'k-crash'`,
    );
    const retry = await createCommunity('k-crash', name);
    expect(retry.statusCode).toBe(201);
    const rows = await db.select().from(communities).where(eq(communities.name, name));
    expect(rows.map((r) => r.id)).toEqual([retry.json().id]);
  });
});
