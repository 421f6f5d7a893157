import type { FollowUpSequence, FollowUpSequenceList, Form } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, call } from '../../../test/factories/events.ts';
import { statusOf, submit } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { useSmtpSink } from '../../../test/smtp-sink.ts';
import { setCommunityVerified } from '../communities/index.ts';
import { followUpEnrolments } from './leads.followups.tables.ts';
import { sendFollowUp } from './leads.followups.ts';

const sink = useSmtpSink();
const server = useTestServer(() => ({ env: { SMTP_URL: sink.url } }));
let owner: TestUser;
let communityId: string;
let form: Form;
beforeAll(async () => {
  owner = await registerUser(server, { name: 'Owner' });
  communityId = (await buildCommunity(server, owner, { name: 'Analytical Society' })).id;
  // Verified, so consenting people are mailed without the double opt-in (leads.followups.consent.test.ts).
  await setCommunityVerified(server.platform, communityId, true, null);
  form = await call<Form>(server, 'POST', '/api/v1/forms', owner, {
    ownerType: 'community',
    ownerId: communityId,
    purpose: 'lead',
    title: 'Stay in touch',
    fields: [
      { key: 'name', type: 'text', label: 'Name' },
      { key: 'email', type: 'email', label: 'E-mail', required: true },
      { key: 'consent', type: 'consent', label: 'Send me your follow-up mail', required: true },
    ],
  });
});

/** A person leaves their address on the community's form, consenting to follow-ups. */
async function capture(email: string, name = 'Ada'): Promise<{ id: string }> {
  const res = await submit(server, form.id, { answers: { name, email, consent: true } });
  const { submissionId } = res.json<{ submissionId: string }>();
  for (;;) {
    const status = await statusOf(server, submissionId);
    if (status.status === 'done') return { id: status.leadId! };
    expect(status.status).not.toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const enrolmentOf = async (leadId: string) =>
  (
    await server.platform.db.select().from(followUpEnrolments).where(eq(followUpEnrolments.leadId, leadId))
  )[0]!;

describe('follow-up sequences', () => {
  let sequence: FollowUpSequence;
  beforeAll(async () => {
    sequence = await call<FollowUpSequence>(
      server,
      'POST',
      `/api/v1/communities/${communityId}/follow-ups`,
      owner,
      {
        name: 'After the booth',
        steps: [
          { delayMinutes: 0, subject: 'Thanks {{name}}', text: 'Good to meet you at {{communityName}}.' },
          { delayMinutes: 2880, subject: 'Still curious, {{name}}?', text: 'Shall we talk?' },
        ],
      },
    );
  });

  it('mails the first step of a new lead through real SMTP, with a working unsubscribe link', async () => {
    const lead = await capture('ada.followup@example.test');
    const mail = await sink.waitFor((m) => m.envelopeTo.includes('ada.followup@example.test'));
    expect(mail.subject).toBe('Thanks Ada');
    expect(mail.text).toContain('Good to meet you at Analytical Society.');
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const link = /<([^>]+)>/.exec(mail.headers['list-unsubscribe'] ?? '')?.[1];
    expect(link).toMatch(/\/api\/v1\/unsubscribe\?token=/);
    expect(await enrolmentOf(lead.id)).toMatchObject({ status: 'active', nextStep: 1 });

    // The mail client's one-click POST (RFC 8058): a form body, the token in the URL.
    const url = new URL(link!);
    const res = await server.app.inject({
      method: 'POST',
      url: `${url.pathname}${url.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(res.statusCode).toBe(200);
    expect(await enrolmentOf(lead.id)).toMatchObject({ status: 'stopped', stoppedReason: 'unsubscribed' });

    // The second step comes due: nothing is sent.
    const before = sink.received.length;
    expect(
      await sendFollowUp(server.platform, { enrolmentId: (await enrolmentOf(lead.id)).id, step: 1 }),
    ).toBe('skipped');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.received.length).toBe(before);
    // Captured again later, an unsubscribed person is not enrolled again.
    await capture('ADA.followup@example.test');
    expect(
      (
        await server.platform.db
          .select()
          .from(followUpEnrolments)
          .where(eq(followUpEnrolments.leadId, lead.id))
      ).length,
    ).toBe(1);
  });

  it('sends each step once even when its job runs twice, and stops when the lead is won', async () => {
    const lead = await capture('grace.followup@example.test', 'Grace');
    await sink.waitFor((m) => m.envelopeTo.includes('grace.followup@example.test'));
    const { id } = await enrolmentOf(lead.id);
    expect(await sendFollowUp(server.platform, { enrolmentId: id, step: 0 })).toBe('skipped');
    await call(server, 'PATCH', `/api/v1/leads/${lead.id}`, owner, { stage: 'won' });
    expect(await enrolmentOf(lead.id)).toMatchObject({ status: 'stopped', stoppedReason: 'won' });
    expect(await sendFollowUp(server.platform, { enrolmentId: id, step: 1 })).toBe('skipped');
    const list = await call<FollowUpSequenceList>(
      server,
      'GET',
      `/api/v1/communities/${communityId}/follow-ups`,
      owner,
    );
    expect(list.items.find((s) => s.id === sequence.id)?.enrolled).toBe(2);
  });

  it('refuses forged unsubscribe tokens, bad templates and outsiders', async () => {
    const forged = await server.app.inject({
      method: 'POST',
      url: '/api/v1/unsubscribe?token=eyJhbGciOiJub25lIn0.e30.',
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().errors[0].field).toBe('querystring.token');
    const badTemplate = await server.app.inject({
      method: 'POST',
      url: `/api/v1/communities/${communityId}/follow-ups`,
      headers: owner.headers,
      payload: { name: 'x', steps: [{ delayMinutes: 0, subject: 'Hi {{#name}}', text: 'x' }] },
    });
    expect(badTemplate.statusCode).toBe(400);
    expect(badTemplate.json().errors[0].field).toBe('body.steps.0.subject');
    const tooMany = await server.app.inject({
      method: 'POST',
      url: `/api/v1/communities/${communityId}/follow-ups`,
      headers: owner.headers,
      payload: {
        name: 'x',
        steps: Array.from({ length: 11 }, () => ({ delayMinutes: 0, subject: 's', text: 't' })),
      },
    });
    expect(tooMany.statusCode).toBe(400);
    const stranger = await registerUser(server);
    await call(server, 'GET', `/api/v1/communities/${communityId}/follow-ups`, stranger, undefined, [404]);
  });
});
