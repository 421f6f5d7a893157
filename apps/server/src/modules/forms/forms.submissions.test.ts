import { randomUUID } from 'node:crypto';
import type { Form, FormSubmissionCounted, LeadDetail, Submission } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, buildCommunity, buildEvent, call } from '../../../test/factories/events.ts';
import {
  buildForm,
  eventually,
  leadAnswers,
  leadFields,
  statusOf,
  submit,
} from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
let attendee: TestUser;
let eventId: string;
let communityId: string;
beforeAll(async () => {
  [organiser, attendee] = await Promise.all([registerUser(server), registerUser(server)]);
  communityId = (await buildCommunity(server, organiser)).id;
  eventId = (await buildEvent(server, organiser, { communityId })).id;
});

const eventForm = () => buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
const ownerView = (formId: string) => call<Form>(server, 'GET', `/api/v1/forms/${formId}`, organiser);
const listAll = (formId: string) =>
  call<{ items: Submission[] }>(server, 'GET', `/api/v1/forms/${formId}/submissions?limit=500`, organiser);

describe('the submission path', () => {
  it('answers 202 with the id, then processes in a worker and reports done', async () => {
    const form = await eventForm();
    const res = await submit(server, form.id, { answers: leadAnswers(1), ref: 'rep-anna' });
    expect(res.statusCode, res.body).toBe(202);
    const { submissionId, status } = res.json();
    expect(status).toBe('queued');
    expect(submissionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const done = await eventually(async () => {
      const s = await statusOf(server, submissionId);
      return s.status === 'done' ? s : undefined;
    });
    expect(done).toEqual({ submissionId, status: 'done', leadId: expect.any(String) });
    // The lead step: the person's lead in the event's community, with this submission as its source.
    const lead = await call<LeadDetail>(server, 'GET', `/api/v1/leads/${done!.leadId}`, organiser);
    expect(lead).toMatchObject({ email: 'attendee-1@example.test', name: 'Attendee 1', stage: 'new' });
    expect(lead.sources).toEqual([
      expect.objectContaining({ kind: 'form', formId: form.id, submissionId, eventId }),
    ]);
    const [row] = (await listAll(form.id)).items;
    expect(row).toMatchObject({ id: submissionId, version: 1, ref: 'rep-anna', status: 'done' });
    expect(row?.answers).toEqual(leadAnswers(1));
    expect(await ownerView(form.id)).toMatchObject({ receivedCount: 1, processedCount: 1, failedCount: 0 });
  });

  it('keeps the version each submission answered', async () => {
    const form = await eventForm();
    const first = (await submit(server, form.id, { answers: leadAnswers(1) })).json().submissionId;
    await call(server, 'PATCH', `/api/v1/forms/${form.id}`, organiser, {
      fields: [...leadFields, { key: 'company', type: 'text', label: 'Company', required: true }],
    });
    const missing = await submit(server, form.id, { answers: leadAnswers(2) });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toContainEqual({ field: 'answers.company', message: 'is required' });
    const second = (await submit(server, form.id, { answers: { ...leadAnswers(2), company: 'Acme' } })).json()
      .submissionId;
    const byId = new Map((await listAll(form.id)).items.map((s) => [s.id, s]));
    expect(byId.get(first)?.version).toBe(1);
    expect(byId.get(second)?.version).toBe(2);
  });

  it('takes the same submissionId sent twice at once as one submission with one answer', async () => {
    const form = await eventForm();
    const submissionId = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => submit(server, form.id, { answers: leadAnswers(3), submissionId })),
    );
    for (const res of answers) expect(res.json()).toEqual({ submissionId, status: 'queued' });
    expect(answers.every((r) => r.statusCode === 202)).toBe(true);
    const again = await submit(server, form.id, {
      answers: leadAnswers(3),
      submissionId: submissionId.toUpperCase(),
    });
    expect(again.json()).toEqual({ submissionId, status: 'queued' });
    expect((await listAll(form.id)).items).toHaveLength(1);
    expect((await ownerView(form.id)).receivedCount).toBe(1);
    const different = await submit(server, form.id, { answers: leadAnswers(4), submissionId });
    expect(different.statusCode).toBe(409);
    const elsewhere = await submit(server, (await eventForm()).id, { answers: leadAnswers(3), submissionId });
    expect(elsewhere.statusCode).toBe(409);
  });

  it('de-duplicates by Idempotency-Key, per form', async () => {
    const form = await eventForm();
    const headers = { 'idempotency-key': `tap-${randomUUID()}` };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => submit(server, form.id, { answers: leadAnswers(5) }, { headers })),
    );
    const ids = new Set(answers.map((r) => r.json().submissionId));
    expect(ids.size).toBe(1);
    expect((await listAll(form.id)).items).toHaveLength(1);
    const other = await eventForm();
    const res = await submit(server, other.id, { answers: leadAnswers(5) }, { headers });
    expect(res.statusCode).toBe(202);
    expect(ids.has(res.json().submissionId)).toBe(false);
    const bad = await submit(
      server,
      form.id,
      { answers: leadAnswers(5) },
      { headers: { 'idempotency-key': 'ä' } },
    );
    expect(bad.statusCode).toBe(400);
  });

  it('answers 400 naming the field for unknown fields, wrong types and oversized answers', async () => {
    const form = await eventForm();
    const expect400 = async (answers: Record<string, unknown>, field: string) => {
      const res = await submit(server, form.id, { answers });
      expect(res.statusCode, `${JSON.stringify(answers).slice(0, 80)} → ${res.body}`).toBe(400);
      expect(res.json().code).toBe('validation_failed');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    const ok = leadAnswers(6);
    await expect400({ ...ok, role: 'admin' }, 'answers.role');
    await expect400({ ...ok, email: 42 }, 'answers.email');
    await expect400({ ...ok, email: 'not-an-address' }, 'answers.email');
    await expect400({ ...ok, phone: 'call me' }, 'answers.phone');
    await expect400({ ...ok, seats: '3' }, 'answers.seats');
    await expect400({ ...ok, seats: 51 }, 'answers.seats');
    await expect400({ ...ok, size: 'huge' }, 'answers.size');
    await expect400({ ...ok, topics: ['sync', 'sync'] }, 'answers.topics');
    await expect400({ ...ok, topics: 'sync' }, 'answers.topics');
    await expect400({ ...ok, newsletter: 'yes' }, 'answers.newsletter');
    await expect400({ ...ok, rating: 6 }, 'answers.rating');
    await expect400({ ...ok, rating: 2.5 }, 'answers.rating');
    await expect400({ ...ok, consent: false }, 'answers.consent');
    await expect400({ ...ok, name: '   ' }, 'answers.name');
    await expect400({ ...ok, name: 'x'.repeat(501) }, 'answers.name');
    await expect400({ ...ok, about: 'x'.repeat(10_001) }, 'answers.about');
    const huge = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, 'x'.repeat(2500)]));
    await expect400({ ...ok, ...huge }, 'answers');
    const body = await submit(server, form.id, { answers: ok, status: 'done' });
    expect(body.statusCode).toBe(400);
    expect(body.json().errors[0].field).toBe('body.status');
    expect((await submit(server, form.id, { answers: [] })).statusCode).toBe(400);
    expect((await submit(server, form.id, { answers: ok, submissionId: 'nope' })).statusCode).toBe(400);
    expect((await listAll(form.id)).items).toHaveLength(0);
  });

  it('refuses closed forms, unknown forms and forms of events the caller cannot see', async () => {
    const form = await eventForm();
    await call(server, 'PATCH', `/api/v1/forms/${form.id}`, organiser, { open: false });
    expect((await submit(server, form.id, { answers: leadAnswers(7) })).statusCode).toBe(409);
    expect((await submit(server, randomUUID(), { answers: leadAnswers(7) })).statusCode).toBe(404);
    const secret = await buildEvent(server, organiser, { communityId, visibility: 'private' });
    const members = await buildForm(server, organiser, { ownerType: 'event', ownerId: secret.id });
    expect((await submit(server, members.id, { answers: leadAnswers(7) })).statusCode).toBe(404);
    await addMember(server, communityId, organiser, attendee);
    const asMember = await submit(server, members.id, { answers: leadAnswers(7) }, { as: attendee });
    expect(asMember.statusCode).toBe(202);
    const [row] = (await listAll(members.id)).items;
    expect(row?.submitterId).toBe(attendee.id);
  });
});

describe('bursts', () => {
  it('commits a burst in a few micro-batches and counts it live on the owner scope', async () => {
    const form = await eventForm();
    const n = 300;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) => submit(server, form.id, { answers: leadAnswers(i) })),
    );
    expect(answers.map((r) => r.statusCode).filter((s) => s !== 202)).toEqual([]);
    expect(new Set(answers.map((r) => r.json().submissionId)).size).toBe(n);
    const counts = () =>
      server.published
        .filter(
          (c) => c.scope === `event:${eventId}` && c.entity === 'forms.submissionCounted' && c.id === form.id,
        )
        .map((c) => c.data as FormSubmissionCounted);
    // One record per intake batch and per processing batch, never one per submission.
    const final = await eventually(async () => counts().find((c) => c.processed === n));
    expect(final).toEqual({ formId: form.id, received: n, processed: n, failed: 0 });
    expect(counts().length).toBeLessThan(n / 5);
    expect(Math.max(...counts().map((c) => c.received))).toBe(n);
    const names = (await listAll(form.id)).items.map((s) => s.answers.name);
    expect(new Set(names)).toEqual(new Set(answers.map((_, i) => `Attendee ${i}`)));
  });

  it('limits a form by its own burst allowance, with Retry-After', async () => {
    const form = await buildForm(server, organiser, {
      ownerType: 'event',
      ownerId: eventId,
      burstPerMinute: 5,
    });
    // From eight addresses: one address alone gets only a share of the allowance (forms.limits.test.ts).
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        submit(server, form.id, { answers: leadAnswers(i) }, { remoteAddress: `198.51.100.${i + 1}` }),
      ),
    );
    expect(answers.filter((r) => r.statusCode === 202)).toHaveLength(5);
    const limited = answers.filter((r) => r.statusCode === 429);
    expect(limited).toHaveLength(3);
    expect(Number(limited[0]?.headers['retry-after'])).toBeGreaterThan(0);
    // Another form is not affected.
    expect((await submit(server, (await eventForm()).id, { answers: leadAnswers(1) })).statusCode).toBe(202);
  });
});

describe('venue NAT and the global cap', () => {
  const venue = useTestServer({
    env: { HTTP_RATE_LIMIT_PER_MINUTE: '20', FORM_SUBMISSIONS_PER_MINUTE: '45' },
  });

  it('does not limit a venue behind one address like one attacker, but caps all forms together', async () => {
    const owner = await registerUser(venue);
    const community = await buildCommunity(venue, owner);
    const form = await buildForm(venue, owner, { ownerType: 'community', ownerId: community.id });
    const nat = '203.0.113.7';
    const answers = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        submit(venue, form.id, { answers: leadAnswers(i) }, { remoteAddress: nat }),
      ),
    );
    expect(answers.map((r) => r.statusCode).filter((s) => s !== 202)).toEqual([]);
    const over = await submit(venue, form.id, { answers: leadAnswers(99) }, { remoteAddress: nat });
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBeDefined();
    // The same address is limited on the rest of the API as usual.
    const reads = await Promise.all(
      Array.from({ length: 25 }, () =>
        venue.app.inject({ method: 'GET', url: `/api/v1/forms/${form.id}`, remoteAddress: nat }),
      ),
    );
    expect(reads.some((r) => r.statusCode === 429)).toBe(true);
  });
});
