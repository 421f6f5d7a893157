import { beforeAll, describe, expect, it } from 'vitest';
import { waitForDevMail } from '../../../test/dev-mail.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { createTestServer, useTestServer } from '../../../test/harness.ts';
import { setInstanceAdmin } from './identity.admin.ts';

const server = useTestServer();
let admin: TestUser;
let member: TestUser;

beforeAll(async () => {
  admin = await registerUser(server, { name: 'Admin' });
  member = await registerUser(server, { name: 'Member' });
  // Both registrations' verification mails are in the mailbox before the tests read it.
  for (const u of [admin, member]) await waitForDevMail(server, (m) => m.to === u.email);
});

const get = (url: string, user: TestUser | null) =>
  server.app.inject({ method: 'GET', url, headers: user ? user.headers : {} });

describe('dev mailbox endpoints', () => {
  it('lists mail newest first for the instance administrator, in pages', async () => {
    const first = await get('/api/v1/admin/mailbox?limit=1', admin);
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items).toHaveLength(1);
    expect(page1.items[0]).toEqual({
      id: expect.any(String),
      to: member.email,
      subject: 'Confirm your e-mail address for Muster',
      sentAt: expect.any(String),
    });
    expect(page1.nextCursor).toBe(page1.items[0].id);
    const page2 = (await get(`/api/v1/admin/mailbox?limit=1&cursor=${page1.nextCursor}`, admin)).json();
    expect(page2.items.map((i: { to: string }) => i.to)).toEqual([admin.email]);
    expect(page2.nextCursor).toBeNull();
  });

  it('shows one mail in full: both parts and every header', async () => {
    const [item] = (await get('/api/v1/admin/mailbox?limit=1', admin)).json().items;
    const res = await get(`/api/v1/admin/mailbox/${item.id}`, admin);
    expect(res.statusCode).toBe(200);
    const mail = res.json();
    expect(mail).toMatchObject({ id: item.id, to: member.email, messageId: `<${item.id}@localhost>` });
    expect(mail.text).toContain('/verify-email?token=');
    expect(mail.html).toContain('<a href=');
    expect(mail.headers).toMatchObject({ To: member.email, 'Message-ID': `<${item.id}@localhost>` });
  });

  it('refuses everyone but administrators: 401 anonymous, 403 signed in', async () => {
    const [item] = (await get('/api/v1/admin/mailbox?limit=1', admin)).json().items;
    for (const url of ['/api/v1/admin/mailbox', `/api/v1/admin/mailbox/${item.id}`]) {
      expect((await get(url, null)).statusCode).toBe(401);
      const refused = await get(url, member);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('forbidden');
    }
  });

  it('answers hostile queries and ids with 4xx, never a file outside the mailbox', async () => {
    for (const url of [
      '/api/v1/admin/mailbox?cursor=../../etc/passwd',
      '/api/v1/admin/mailbox?cursor=zzz',
      '/api/v1/admin/mailbox?limit=0',
      '/api/v1/admin/mailbox?limit=100000',
      '/api/v1/admin/mailbox?limit=abc',
      '/api/v1/admin/mailbox/not-a-uuid',
      '/api/v1/admin/mailbox/..%2F..%2Fetc%2Fpasswd',
      `/api/v1/admin/mailbox/${'a'.repeat(300)}`,
    ]) {
      const res = await get(url, admin);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
    const missing = await get('/api/v1/admin/mailbox/01900000-0000-7000-8000-000000000000', admin);
    expect(missing.statusCode).toBe(404);
    // Upper-case hex is a valid UUID for the schema but names no file: 404, not a read elsewhere.
    const [item] = (await get('/api/v1/admin/mailbox?limit=1', admin)).json().items;
    expect((await get(`/api/v1/admin/mailbox/${item.id.toUpperCase()}`, admin)).statusCode).toBe(404);
  });
});

describe('granting and revoking administration', () => {
  it('applies to the very next request, and answers undefined for an unknown address', async () => {
    const granted = await setInstanceAdmin(server.platform, `  ${member.email.toUpperCase()} `, true);
    expect(granted?.isAdmin).toBe(true);
    expect((await get('/api/v1/admin/mailbox', member)).statusCode).toBe(200);
    expect((await get('/api/v1/me', member)).json().isAdmin).toBe(true);
    await setInstanceAdmin(server.platform, member.email, false);
    expect((await get('/api/v1/admin/mailbox', member)).statusCode).toBe(403);
    expect((await get('/api/v1/me', member)).json().isAdmin).toBe(false);
    expect(await setInstanceAdmin(server.platform, 'nobody@example.test', true)).toBeUndefined();
  });

  it('never lets a client make itself administrator', async () => {
    const patch = await server.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: member.headers,
      payload: { isAdmin: true },
    });
    expect(patch.statusCode).toBe(400);
    const register = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'sneaky@example.test', password: 'correct horse battery', name: 'S', isAdmin: true },
    });
    expect(register.statusCode).toBe(400);
    expect((await get('/api/v1/me', member)).json().isAdmin).toBe(false);
  });
});

describe('the first account of an instance', () => {
  it('is the only administrator even when several register at the same moment', async () => {
    const fresh = await createTestServer();
    try {
      const users = await Promise.all(
        Array.from({ length: 6 }, (_, i) => registerUser(fresh, { name: `Racer ${i}` })),
      );
      const flags = await Promise.all(
        users.map(
          async (u) =>
            (await fresh.app.inject({ method: 'GET', url: '/api/v1/me', headers: u.headers })).json().isAdmin,
        ),
      );
      expect(flags.filter(Boolean)).toHaveLength(1);
    } finally {
      await fresh.stop();
    }
  });
});
