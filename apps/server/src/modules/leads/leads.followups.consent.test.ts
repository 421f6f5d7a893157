import { randomUUID } from 'node:crypto';
import type { Community, FollowUpSequence, Form, Lead } from '@muster/protocol';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { devMails, waitForDevMail } from '../../../test/dev-mail.ts';
import { buildCommunity, call } from '../../../test/factories/events.ts';
import { statusOf, submit } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { queryRows } from '../../platform/db/client.ts';

const server = useTestServer();
let admin: TestUser;
let owner: TestUser;
beforeAll(async () => {
  admin = await registerUser(server, { name: 'Instance admin' }); // the first account administers
  owner = await registerUser(server, { name: 'Owner' });
});

const FIELDS = [
  { key: 'name', type: 'text', label: 'Name' },
  { key: 'email', type: 'email', label: 'E-mail', required: true },
  { key: 'consent', type: 'consent', label: 'Send me your follow-up mail' },
] as const;

/** A community with a one-step, no-delay sequence (unless `sequence` is false) and a public lead form. */
async function setUp(name: string, { sequence = true } = {}) {
  const community = await buildCommunity(server, owner, { name });
  if (sequence)
    await call<FollowUpSequence>(server, 'POST', `/api/v1/communities/${community.id}/follow-ups`, owner, {
      name: 'Welcome',
      steps: [{ delayMinutes: 0, subject: 'Welcome from {{communityName}}', text: 'Hi {{name}}.' }],
    });
  const form = await call<Form>(server, 'POST', '/api/v1/forms', owner, {
    ownerType: 'community',
    ownerId: community.id,
    purpose: 'lead',
    title: 'Stay in touch',
    fields: FIELDS,
  });
  return { community, form };
}

async function answer(formId: string, email: string, consent: boolean) {
  const res = await submit(server, formId, { answers: { name: 'Ada', email, consent } });
  expect(res.statusCode).toBe(202);
  const { submissionId } = res.json<{ submissionId: string }>();
  for (;;) {
    const status = await statusOf(server, submissionId);
    if (status.status === 'done') return status.leadId!;
    expect(status.status).not.toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until no follow-up step or mail that is due is still waiting or running. */
async function settled() {
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      server.platform.db,
      sql`SELECT count(*)::int AS n FROM pgboss.job
          WHERE name IN ('leads.confirmationDue', 'leads.followUpDue', 'mail.send', 'mail.bulk')
            AND state IN ('created', 'retry', 'active') AND start_after <= now()`,
    );
    if (row!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const mailsTo = async (email: string) => (await devMails(server)).filter((m) => m.to === email);
const confirmationTo = (email: string) =>
  waitForDevMail(server, (m) => m.to === email && m.subject.startsWith('Confirm'));
const followUpTo = (email: string) =>
  waitForDevMail(server, (m) => m.to === email && m.subject.startsWith('Welcome from'));

const confirm = (token: string) =>
  server.app.inject({ method: 'POST', url: '/api/v1/follow-ups/confirm', payload: { token } });

describe('follow-ups need consent and a confirmed address', () => {
  it('sends no follow-up to a person who did not consent on the form, nor to one a rep captured', async () => {
    const { community, form } = await setUp('No consent, no mail');
    const declined = `declined-${randomUUID()}@example.test`;
    await answer(form.id, declined, false);
    const captured = `captured-${randomUUID()}@example.test`;
    await call<Lead>(server, 'POST', `/api/v1/communities/${community.id}/leads`, owner, { email: captured });
    await settled();
    expect(await mailsTo(declined)).toEqual([]);
    expect(await mailsTo(captured)).toEqual([]);
  });

  it('asks nobody to confirm when the community has no follow-up to send', async () => {
    const { form } = await setUp('Nothing to send', { sequence: false });
    const people = Array.from({ length: 3 }, (_, i) => `nothing-${i}-${randomUUID()}@example.test`);
    for (const person of people) await answer(form.id, person, true);
    await settled();
    for (const person of people) expect(await mailsTo(person)).toEqual([]);
  });

  it('sends none before the address is confirmed; following the confirmation link starts them', async () => {
    const { form } = await setUp('Double opt-in');
    const person = `optin-${randomUUID()}@example.test`;
    await answer(form.id, person, true);
    const confirmation = await confirmationTo(person);
    expect(confirmation.text).toContain('Double opt-in');
    await settled();
    expect((await mailsTo(person)).map((m) => m.subject)).toEqual([confirmation.subject]);
    // Submitting again does not mail a second confirmation the same day.
    await answer(form.id, person, true);
    await settled();
    expect(await mailsTo(person)).toHaveLength(1);

    const token = /confirm-follow-ups\?token=([A-Za-z0-9._~%-]+)/.exec(confirmation.text)?.[1];
    expect(token).toBeDefined();
    expect((await confirm('eyJhbGciOiJub25lIn0.e30.')).statusCode).toBe(400);
    const res = await confirm(decodeURIComponent(token!));
    expect(res.statusCode).toBe(200);
    const followUp = await followUpTo(person);
    expect(followUp.text).toContain('Hi Ada.');
    // Confirming twice sends nothing twice.
    expect((await confirm(decodeURIComponent(token!))).statusCode).toBe(200);
    await settled();
    expect(await mailsTo(person)).toHaveLength(2);
  });

  it('lets a community verified by an instance administrator skip the confirmation, never the consent', async () => {
    const { community, form } = await setUp('Verified Society');
    const path = `/api/v1/admin/communities/${community.id}/verified`;
    await call(server, 'PUT', path, owner, { verified: true }, [403]);
    const verified = await call<Community>(server, 'PUT', path, admin, { verified: true });
    expect(verified.verified).toBe(true);
    expect(
      (await call<Community>(server, 'GET', `/api/v1/communities/${community.id}`, owner)).verified,
    ).toBe(true);

    const consenting = `yes-${randomUUID()}@example.test`;
    await answer(form.id, consenting, true);
    await followUpTo(consenting);
    const declining = `no-${randomUUID()}@example.test`;
    await answer(form.id, declining, false);
    await settled();
    expect((await mailsTo(consenting)).map((m) => m.subject)).toEqual(['Welcome from Verified Society']);
    expect(await mailsTo(declining)).toEqual([]);
  });
});
