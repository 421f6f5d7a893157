import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenFrom, waitForDevMail } from '../../../test/dev-mail.ts';
import { registerUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();

/** What someone registering with another person's address would like that person to read. */
const HOSTILE_NAME = `Claim your prize at https://evil.example/win <a href="https://evil.example">now</a> ${'x'.repeat(30)}`;

const post = (url: string, payload: object) =>
  server.app.inject({
    method: 'POST',
    url,
    payload,
    remoteAddress: `10.7.${Math.floor(Math.random() * 250)}.1`,
  });
const mailTo = (email: string, subject: string) =>
  waitForDevMail(server, (m) => m.to === email && m.subject === subject);

describe('account mail carries no text a stranger chose', () => {
  it('mails someone whose address was registered by another person no part of the chosen name', async () => {
    const victim = `victim-${randomUUID()}@example.test`;
    await registerUser(server, { email: victim, name: HOSTILE_NAME });
    const verification = await mailTo(victim, 'Confirm your e-mail address for Muster');
    expect(verification.text).not.toMatch(/prize|evil/);
    expect(verification.html).not.toMatch(/prize|evil/);
    // A reset asked for by anyone: the address is still unproven, so still no name.
    expect((await post('/api/v1/auth/password-reset/request', { email: victim })).statusCode).toBe(202);
    const reset = await mailTo(victim, 'Reset your Muster password');
    expect(reset.text).not.toMatch(/prize|evil/);
    expect(reset.html).not.toMatch(/prize|evil/);
  });

  it('shows a verified owner their name, cut to 60 characters, without live links or markup', async () => {
    const owner = `owner-${randomUUID()}@example.test`;
    await registerUser(server, { email: owner, name: HOSTILE_NAME });
    const verification = await mailTo(owner, 'Confirm your e-mail address for Muster');
    expect(
      (await post('/api/v1/auth/verify-email', { token: tokenFrom(verification.text, 'verify-email') }))
        .statusCode,
    ).toBe(200);
    await post('/api/v1/auth/password-reset/request', { email: owner });
    const reset = await mailTo(owner, 'Reset your Muster password');
    const greeting = /^Hello (.*),$/m.exec(reset.text)?.[1] ?? '';
    expect(greeting).toMatch(/^Claim your prize at/);
    expect(greeting.length).toBeLessThanOrEqual(60);
    // No address a mail client would turn into a link, in either part.
    expect(reset.text).not.toContain('evil.example');
    expect(reset.text).not.toContain('https://evil');
    expect(reset.html).not.toContain('evil.example');
    expect(reset.html).not.toContain('<a href="https://evil');
    expect(reset.html).toContain('&lt;a href');
  });
});
