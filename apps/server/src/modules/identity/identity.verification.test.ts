import { sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { devMails, tokenFrom, waitForDevMail } from '../../../test/dev-mail.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { queryRows } from '../../platform/db/client.ts';

const SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123456789');
const server = useTestServer();
let first: TestUser;
let user: TestUser;

beforeAll(async () => {
  first = await registerUser(server, { name: 'First' });
  user = await registerUser(server, { name: 'Ann' });
});

const me = async (u: TestUser) =>
  (await server.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.headers })).json();

const verify = (token: unknown, remoteAddress = '10.1.0.1') =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/verify-email',
    payload: { token },
    remoteAddress,
  });

const resend = (u: TestUser | null) =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/verify-email/request',
    headers: u ? u.headers : {},
  });

/** Account mail jobs not yet settled (queued, or being sent). */
const pendingAccountMail = async () =>
  (
    await queryRows<{ n: number }>(
      server.platform.db,
      sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'mail.send' AND state IN ('created', 'retry', 'active')`,
    )
  )[0]!.n;

const verificationMailTo = (email: string) =>
  waitForDevMail(server, (m) => m.to === email && m.subject === 'Confirm your e-mail address for Muster');

describe('instance administrators', () => {
  it('makes the first account an administrator and no later one; only the caller sees it', async () => {
    expect(await me(first)).toMatchObject({ isAdmin: true, emailVerified: false });
    expect(await me(user)).toMatchObject({ isAdmin: false, emailVerified: false });
  });
});

describe('e-mail verification', () => {
  it('mails a link on registration; following it verifies the address and tells the user scope', async () => {
    const mail = await verificationMailTo(user.email);
    // No name: whoever registers may have typed someone else's address.
    expect(mail.text).toMatch(/^Hello,$/m);
    expect(mail.text).not.toContain('Ann');
    expect(mail.text).toContain(`${server.platform.config.publicUrl}/verify-email?token=`);
    expect(mail.html).toContain('Confirm my e-mail address');
    const res = await verify(tokenFrom(mail.text, 'verify-email'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, email: user.email, emailVerified: true, isAdmin: false });
    expect(await me(user)).toMatchObject({ emailVerified: true });
    expect(
      server.published.some((c) => c.scope === `user:${user.id}` && c.entity === 'identity.emailVerified'),
    ).toBe(true);
    // The same link again is harmless; asking for another mail now is a conflict.
    expect((await verify(tokenFrom(mail.text, 'verify-email'))).statusCode).toBe(200);
    const again = await resend(user);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('conflict');
  });

  it('does not require verification to sign in', async () => {
    const fresh = await registerUser(server);
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: fresh.email, password: fresh.password },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user.emailVerified).toBe(false);
  });

  it('re-sends the mail on request, at most five times an hour per account; anonymous callers get 401', async () => {
    const bob = await registerUser(server, { name: 'Bob' });
    for (let i = 0; i < 5; i++) expect((await resend(bob)).statusCode).toBe(202);
    const limited = await resend(bob);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await resend(null)).statusCode).toBe(401);
    // One from the registration and five re-sends were accepted, but an address receives at most
    // five account mails an hour (MAIL_ACCOUNT_PER_HOUR): the sixth is dropped at the send.
    for (;;) {
      const mine = (await devMails(server)).filter((m) => m.to === bob.email);
      if (mine.length === 5 && (await pendingAccountMail()) === 0) {
        expect(new Set(mine.map((m) => m.messageId)).size).toBe(5);
        break;
      }
      expect(mine.length).toBeLessThanOrEqual(5);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await devMails(server)).filter((m) => m.to === bob.email)).toHaveLength(5);
  });
});

describe('verification tokens that must not work', () => {
  let genuine: string;
  let carol: TestUser;
  beforeAll(async () => {
    carol = await registerUser(server, { name: 'Carol' });
    genuine = tokenFrom((await verificationMailTo(carol.email)).text, 'verify-email');
  });

  const sign = (claims: Record<string, unknown>, exp: number | string = '1h', secret = SECRET) =>
    new SignJWT({ typ: 'verify-email', email: carol.email, ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(carol.id)
      .setIssuer('muster')
      .setAudience('muster-link')
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(secret);

  async function expectRefused(token: string, message = /not a valid link token/) {
    const res = await verify(token, '10.1.0.2');
    expect(res.statusCode, token).toBe(400);
    expect(res.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'body.token' }] });
    expect(res.json().errors[0].message).toMatch(message);
  }

  it('control: a token signed the same way as the server does is accepted', async () => {
    expect((await verify(await sign({}), '10.1.0.2')).statusCode).toBe(200);
  });

  it('refuses a tampered payload, another key, alg none and an access token', async () => {
    const [h, p, s] = genuine.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, sub: first.id })).toString('base64url');
    await expectRefused(`${h}.${forged}.${s}`);
    await expectRefused(
      await sign({}, '1h', new TextEncoder().encode('another-secret-another-secret-0123456789')),
    );
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    await expectRefused(`${none}.${p}.`);
    await expectRefused(carol.accessToken);
  });

  it('refuses an expired token, saying so', async () => {
    await expectRefused(await sign({}, Math.floor(Date.now() / 1000) - 60), /expired/);
  });

  it('refuses a token of another purpose and a token for an address the account no longer has', async () => {
    await expectRefused(await sign({ typ: 'password-reset' }));
    await expectRefused(await sign({ email: 'someone-else@example.test' }));
    // Nor is a link token ever an access token.
    const asAccess = await server.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${genuine}` },
    });
    expect(asAccess.statusCode).toBe(401);
  });

  it('answers hostile bodies with 400 naming the field', async () => {
    const bodies: [unknown, string][] = [
      [{}, 'body.token'],
      [{ token: 'x'.repeat(5000) }, 'body.token'],
      [{ token: 'short' }, 'body.token'],
      [{ token: `${genuine}\u0000` }, 'body.token'],
      [{ token: 1234567890123 }, 'body.token'],
      [{ token: genuine, emailVerified: true }, 'body.emailVerified'],
    ];
    for (const [payload, field] of bodies) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/verify-email',
        payload: payload as object,
        remoteAddress: '10.1.0.3',
      });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      expect(res.json().errors?.[0]?.field ?? res.json().detail).toContain(field);
    }
  });

  it('limits verification attempts per address (60 per 15 minutes)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++)
      statuses.push((await verify(`${'a'.repeat(30)}.${i}`, '10.1.0.4')).statusCode);
    expect(statuses.slice(0, 60).every((s) => s === 400)).toBe(true);
    expect(statuses[60]).toBe(429);
    // Another address is not affected.
    expect((await verify(genuine, '10.1.0.5')).statusCode).toBe(200);
  });
});
