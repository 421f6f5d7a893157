import { beforeAll, describe, expect, it } from 'vitest';
import { tokenFrom } from '../../../test/dev-mail.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { useSmtpSink } from '../../../test/smtp-sink.ts';

/** A1 end to end with mail leaving through a real SMTP server, as in production. */
const sink = useSmtpSink();
const server = useTestServer(() => ({
  env: { SMTP_URL: sink.url, PUBLIC_URL: 'https://events.example.org', MAIL_FROM: 'noreply@example.org' },
}));
let admin: TestUser;
beforeAll(async () => {
  admin = await registerUser(server, { name: 'Admin' });
});

describe('identity mail over SMTP', () => {
  it('delivers the verification mail with a link to the web app that verifies the address', async () => {
    const ann = await registerUser(server, { name: 'Ann' });
    const mail = await sink.waitFor((m) => m.envelopeTo.includes(ann.email));
    expect(mail.headers.to).toBe(ann.email);
    expect(mail.envelopeFrom).toBe('noreply@example.org');
    expect(mail.subject).toBe('Confirm your e-mail address for Muster');
    expect(mail.headers['message-id']).toMatch(/^<[0-9a-f-]{36}@example\.org>$/);
    expect(mail.text).toContain('https://events.example.org/verify-email?token=');
    const verified = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      payload: { token: tokenFrom(mail.text, 'verify-email') },
    });
    expect(verified.statusCode).toBe(200);
    expect(verified.json().emailVerified).toBe(true);
  });

  it('delivers the reset mail whose link sets a new password', async () => {
    const bob = await registerUser(server, { name: 'Bob' });
    const requested = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/request',
      payload: { email: bob.email },
    });
    expect(requested.statusCode).toBe(202);
    const mail = await sink.waitFor(
      (m) => m.envelopeTo.includes(bob.email) && m.subject === 'Reset your Muster password',
    );
    expect(mail.text).toContain('https://events.example.org/reset-password?token=');
    const reset = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { token: tokenFrom(mail.text, 'reset-password'), password: 'the new secret phrase' },
    });
    expect(reset.statusCode).toBe(200);
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: bob.email, password: 'the new secret phrase' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('has no dev mailbox: administrators get a clear conflict, others still 403', async () => {
    for (const url of [
      '/api/v1/admin/mailbox',
      '/api/v1/admin/mailbox/01900000-0000-7000-8000-000000000000',
    ]) {
      const res = await server.app.inject({ method: 'GET', url, headers: admin.headers });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'conflict' });
      expect(res.json().detail).toMatch(/SMTP/);
    }
    const other = await registerUser(server);
    const refused = await server.app.inject({
      method: 'GET',
      url: '/api/v1/admin/mailbox',
      headers: other.headers,
    });
    expect(refused.statusCode).toBe(403);
  });
});
