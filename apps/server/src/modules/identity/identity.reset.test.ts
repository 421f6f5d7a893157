import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { tokenFrom, waitForDevMail } from '../../../test/dev-mail.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { queryRows } from '../../platform/db/client.ts';

const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123456789');
const NEW_PASSWORD = 'a brand new passphrase';
const server = useTestServer();

const post = (url: string, payload: object, remoteAddress = '10.2.0.1') =>
  server.app.inject({ method: 'POST', url, payload, remoteAddress });
const requestReset = (email: string, remoteAddress?: string) =>
  post('/api/v1/auth/password-reset/request', { email }, remoteAddress);
const reset = (token: string, password = NEW_PASSWORD, remoteAddress?: string) =>
  post('/api/v1/auth/password-reset', { token, password }, remoteAddress);
const login = (email: string, password: string) =>
  post('/api/v1/auth/login', { email, password }, '10.2.9.9');

/** Jobs enqueued to mail this address: the request's own transaction enqueues them, or nothing does. */
async function mailJobsTo(email: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    server.platform.db,
    sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send' AND data->>'to' = ${email}`,
  );
  return rows[0]!.n;
}

/** The reset links of the first `count` reset mails to `email`, waiting until they have arrived. */
async function resetTokens(email: string, count = 1): Promise<string[]> {
  const seen = new Map<string, string>();
  while (seen.size < count) {
    const mail = await waitForDevMail(
      server,
      (m) => m.to === email && m.subject === 'Reset your Muster password' && !seen.has(m.id),
    );
    seen.set(mail.id, tokenFrom(mail.text, 'reset-password'));
  }
  return [...seen.values()];
}
const resetToken = async (email: string) => (await resetTokens(email, 1))[0]!;

describe('password reset request', () => {
  it('answers the same whether or not the account exists, and mails only a real account', async () => {
    const ann = await registerUser(server, { name: 'Ann' });
    const unknown = `nobody-${Date.now()}@example.test`;
    const known = await requestReset(ann.email.toUpperCase(), '10.2.0.10');
    const missing = await requestReset(unknown, '10.2.0.10');
    expect(known.statusCode).toBe(202);
    expect(missing.statusCode).toBe(202);
    expect(missing.body).toBe(known.body);
    expect(await mailJobsTo(unknown)).toBe(0);
    // The registration's verification mail and this reset mail.
    expect(await mailJobsTo(ann.email)).toBe(2);
  });

  it('limits requests per address to three an hour, for unknown addresses exactly as for known ones', async () => {
    const ann = await registerUser(server);
    const unknown = `nobody-else-${Date.now()}@example.test`;
    for (const email of [ann.email, unknown]) {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await requestReset(email, `10.2.1.${i}`)).statusCode);
      expect(statuses, email).toEqual([202, 202, 202, 429]);
    }
  });

  it('limits requests per client address to twenty an hour', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push((await requestReset(`flood-${i}@example.test`, '10.2.2.1')).statusCode);
    expect(statuses.filter((s) => s === 202)).toHaveLength(20);
    expect(statuses[20]).toBe(429);
  });

  it('answers hostile bodies with 400 naming the field', async () => {
    for (const [payload, field] of [
      [{}, 'body.email'],
      [{ email: 'not-an-address' }, 'body.email'],
      [{ email: `${'a'.repeat(260)}@example.test` }, 'body.email'],
      [{ email: ['a@example.test'] }, 'body.email'],
      [{ email: 'a@example.test', userId: 'x' }, 'body.userId'],
    ] as [object, string][]) {
      const res = await post('/api/v1/auth/password-reset/request', payload, '10.2.3.1');
      expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
      expect(JSON.stringify(res.json())).toContain(field);
    }
  });
});

describe('password reset', () => {
  it('sets the new password, revokes every session, verifies the address and works only once', async () => {
    const bob = await registerUser(server, { name: 'Bob' });
    const secondDevice = (await login(bob.email, bob.password)).json();
    expect((await requestReset(bob.email, '10.2.4.1')).statusCode).toBe(202);
    const token = await resetToken(bob.email);

    const res = await reset(token, NEW_PASSWORD, '10.2.4.1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });

    for (const refreshToken of [bob.refreshToken, secondDevice.refreshToken]) {
      const refreshed = await post('/api/v1/auth/refresh', { refreshToken });
      expect(refreshed.statusCode).toBe(401);
    }
    expect((await login(bob.email, bob.password)).statusCode).toBe(401);
    const signedIn = await login(bob.email, NEW_PASSWORD);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user.emailVerified).toBe(true);

    const reused = await reset(token, 'yet another passphrase', '10.2.4.1');
    expect(reused.statusCode).toBe(400);
    expect(reused.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.token' }] });
    expect((await login(bob.email, NEW_PASSWORD)).statusCode).toBe(200);

    const notice = await waitForDevMail(
      server,
      (m) => m.to === bob.email && m.subject === 'Your Muster password was changed',
    );
    expect(notice.text).toContain('Hello Bob');
  });

  it('kills every earlier reset link once one of them is used', async () => {
    const cleo = await registerUser(server);
    await requestReset(cleo.email, '10.2.5.1');
    await requestReset(cleo.email, '10.2.5.2');
    const [one, other] = await resetTokens(cleo.email, 2);
    expect(one).not.toBe(other);
    expect((await reset(one!, NEW_PASSWORD, '10.2.5.3')).statusCode).toBe(200);
    expect((await reset(other!, 'the other link tries', '10.2.5.3')).statusCode).toBe(400);
  });

  it('lets exactly one of several simultaneous uses of a link win', async () => {
    const dan = await registerUser(server);
    await requestReset(dan.email, '10.2.6.1');
    const token = await resetToken(dan.email);
    const results = await Promise.all(
      ['first racer passphrase', 'second racer passphrase', 'third racer passphrase'].map((p) =>
        reset(token, p, '10.2.6.2'),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400, 400]);
    const winner = ['first racer passphrase', 'second racer passphrase', 'third racer passphrase'];
    const logins = await Promise.all(winner.map((p) => login(dan.email, p)));
    expect(logins.filter((r) => r.statusCode === 200)).toHaveLength(1);
  });

  describe('tokens that must not work', () => {
    let eve: TestUser;
    let genuine: string;
    beforeAll(async () => {
      eve = await registerUser(server);
      await requestReset(eve.email, '10.2.7.1');
      genuine = await resetToken(eve.email);
    });

    async function expectRefused(token: string, message = /not a valid link token/) {
      const res = await reset(token, NEW_PASSWORD, '10.2.7.2');
      expect(res.statusCode, token.slice(0, 40)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.token' }] });
      expect(res.json().errors[0].message).toMatch(message);
    }

    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    const sign = (claims: Record<string, unknown>, exp: number | string = '1h') =>
      new SignJWT({ ...claimsOf(genuine), ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setExpirationTime(exp)
        .sign(SECRET);

    it('refuses a tampered, an expired, a wrong-purpose and a foreign-fingerprint token', async () => {
      const [h, , s] = genuine.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claimsOf(genuine), sub: eve.id, pwd: 'x' })).toString(
        'base64url',
      );
      await expectRefused(`${h}.${forged}.${s}`);
      await expectRefused(await sign({}, Math.floor(Date.now() / 1000) - 60), /expired/);
      await expectRefused(await sign({ typ: 'verify-email' }));
      await expectRefused(await sign({ pwd: '0'.repeat(32) }));
      const verification = await waitForDevMail(
        server,
        (m) => m.to === eve.email && m.subject.startsWith('Confirm'),
      );
      await expectRefused(tokenFrom(verification.text, 'verify-email'));
      await expectRefused(eve.accessToken);
      // The genuine one still works after all that.
      expect((await reset(genuine, NEW_PASSWORD, '10.2.7.2')).statusCode).toBe(200);
    });

    it('answers hostile bodies with 400 naming the field', async () => {
      for (const [payload, field] of [
        [{ token: genuine }, 'body.password'],
        [{ token: genuine, password: 'short' }, 'body.password'],
        [{ token: genuine, password: 'x'.repeat(300) }, 'body.password'],
        [{ token: 'a'.repeat(3000), password: NEW_PASSWORD }, 'body.token'],
        [{ token: genuine, password: NEW_PASSWORD, isAdmin: true }, 'body.isAdmin'],
        [{ token: `${genuine}\n`, password: NEW_PASSWORD }, 'body.token'],
      ] as [object, string][]) {
        const res = await post('/api/v1/auth/password-reset', payload, '10.2.7.3');
        expect(res.statusCode, JSON.stringify(payload).slice(0, 60)).toBe(400);
        expect(JSON.stringify(res.json())).toContain(field);
      }
    });
  });

  it('limits reset attempts per client address (30 per 15 minutes)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await reset(`${'b'.repeat(30)}.${i}`, NEW_PASSWORD, '10.2.8.1')).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});
