import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMuster, spawnMuster } from '../../../test/processes.ts';

/** `muster seed` and `muster admin grant|revoke` as an operator runs them, on one data directory. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'muster-admin-e2e-'));
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const run = (args: string[]) => runMuster(args, { MUSTER_DATA_DIR: dataDir, MUSTER_SEED: 'never' });

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('muster admin', () => {
  it('names administrators from the command line; the server honours it and shows them the dev mailbox', async () => {
    const seeded = await run(['seed']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toMatch(
      /organiser\s+organiser@demo\.muster\.dev\s+\S+\s+\(administrator of this instance\)/,
    );
    const password = /attendee\s+attendee@demo\.muster\.dev\s+(\S+)/.exec(seeded.stdout)?.[1];
    expect(password).toBeDefined();

    const granted = await run(['admin', 'grant', 'ATTENDEE@demo.muster.dev']);
    expect(granted).toMatchObject({ code: 0 });
    expect(granted.stdout).toContain('attendee@demo.muster.dev is now an administrator');
    const revoked = await run(['admin', 'revoke', 'organiser@demo.muster.dev']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('organiser@demo.muster.dev is no longer an administrator');
    const unknown = await run(['admin', 'grant', 'nobody@example.test']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account has the e-mail address nobody@example.test');
    const misuse = await run(['admin', 'promote', 'someone@example.test']);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('Usage: muster admin grant|revoke|set-password <email>');
    const noCommunity = await run(['admin', 'verify-community', '01900000-0000-7000-8000-000000000000']);
    expect(noCommunity.code).toBe(1);
    expect(noCommunity.stderr).toContain('No community has the id 01900000-0000-7000-8000-000000000000');
    expect((await run(['admin', 'verify-community', 'not-an-id'])).code).toBe(2);

    const server = await spawnMuster('serve', { MUSTER_DATA_DIR: dataDir });
    await server.ready();
    const base = server.url;
    const login = await json(`${base}/api/v1/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ email: 'attendee@demo.muster.dev', password }),
    });
    expect(login.status).toBe(200);
    const headers = { authorization: `Bearer ${login.body.accessToken}` };
    expect((await json(`${base}/api/v1/me`, { headers })).body).toMatchObject({ isAdmin: true });
    // The seed's five registrations each mailed a verification link into the data directory;
    // those the seed process did not send before it stopped are sent by this server.
    for (;;) {
      const mailbox = await json(`${base}/api/v1/admin/mailbox`, { headers });
      expect(mailbox.status).toBe(200);
      const recipients = new Set((mailbox.body.items as { to: string }[]).map((i) => i.to));
      if (
        ['organiser', 'staff', 'speaker', 'speaker2', 'attendee'].every((k) =>
          recipients.has(`${k}@demo.muster.dev`),
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const mine = await json(`${base}/api/v1/me/communities`, { headers });
    const demo = (mine.body.items as { id: string; name: string; verified: boolean }[]).find(
      (c) => c.name === 'Muster Demo Community',
    );
    expect(demo?.verified).toBe(false);
    server.child.kill('SIGTERM');
    expect(await server.exited, server.output()).toBe(0);

    // The operator vouches for the demo community (the data directory is free again).
    const verified = await run(['admin', 'verify-community', demo!.id]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`Muster Demo Community (${demo!.id}) is now verified`);
    const unverified = await run(['admin', 'unverify-community', demo!.id]);
    expect(unverified.stdout).toContain('is no longer verified');
  }, 240_000);
});
