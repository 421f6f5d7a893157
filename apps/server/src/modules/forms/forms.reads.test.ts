import { randomUUID } from 'node:crypto';
import type { Submission } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommunity, buildEvent, call } from '../../../test/factories/events.ts';
import { buildForm, leadAnswers, leadFields, statusOf, submit } from '../../../test/factories/forms.ts';
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

describe('reading submissions', () => {
  it('shows lists and exports to the form’s managers only', async () => {
    const form = await eventForm();
    await submit(server, form.id, { answers: leadAnswers(1) });
    const as = (user: TestUser | null, suffix: string) =>
      server.app.inject({
        method: 'GET',
        url: `/api/v1/forms/${form.id}/${suffix}`,
        headers: user?.headers ?? {},
      });
    for (const suffix of ['submissions', 'submissions.csv']) {
      expect((await as(attendee, suffix)).statusCode).toBe(403);
      expect((await as(null, suffix)).statusCode).toBe(401);
      expect((await as(organiser, suffix)).statusCode).toBe(200);
    }
    const draft = await buildEvent(server, organiser, { communityId, status: 'draft' });
    const hidden = await buildForm(server, organiser, { ownerType: 'event', ownerId: draft.id });
    const res = await server.app.inject({
      method: 'GET',
      url: `/api/v1/forms/${hidden.id}/submissions`,
      headers: attendee.headers,
    });
    expect(res.statusCode).toBe(404);
    expect(
      (
        await statusOf(
          server,
          (await submit(server, form.id, { answers: leadAnswers(2) })).json().submissionId,
        )
      ).status,
    ).toMatch(/queued|processing|done/);
    expect(
      (await server.app.inject({ method: 'GET', url: `/api/v1/submissions/${randomUUID()}` })).statusCode,
    ).toBe(404);
  });

  it('pages in arrival order', async () => {
    const form = await eventForm();
    for (let i = 0; i < 5; i++) await submit(server, form.id, { answers: leadAnswers(i) });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { items: Submission[]; nextCursor: string | null } = await call(
        server,
        'GET',
        `/api/v1/forms/${form.id}/submissions?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        organiser,
      );
      seen.push(...page.items.map((s) => String(s.answers.name)));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `Attendee ${i}`));
    const forged = await server.app.inject({
      method: 'GET',
      url: `/api/v1/forms/${form.id}/submissions?cursor=bm9wZQ`,
      headers: organiser.headers,
    });
    expect(forged.statusCode).toBe(400);
  });

  it('exports CSV with a column for every version and no formula a spreadsheet would run', async () => {
    const form = await eventForm();
    await submit(server, form.id, {
      answers: { ...leadAnswers(1), name: '=HYPERLINK("http://evil")', about: '@SUM(1)' },
    });
    await call(server, 'PATCH', `/api/v1/forms/${form.id}`, organiser, {
      fields: [
        ...leadFields.filter((f) => f.key !== 'about'),
        { key: 'company', type: 'text', label: 'Company' },
      ],
    });
    await submit(server, form.id, { answers: { ...leadAnswers(2), name: '-1+2', company: '+cmd|calc' } });
    const res = await server.app.inject({
      method: 'GET',
      url: `/api/v1/forms/${form.id}/submissions.csv`,
      headers: organiser.headers,
    });
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="form-/);
    const [header, first, second] = res.body.trim().split('\n');
    expect(header).toBe(
      'submissionId,receivedAt,status,version,ref,leadId,error,name,email,phone,seats,size,topics,newsletter,rating,consent,company,about',
    );
    expect(first).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(first).toContain("'@SUM(1)");
    expect(first).toContain('sync; forms');
    expect(second).toContain("'-1+2");
    expect(second).toContain("'+cmd|calc");
    expect(res.body).not.toMatch(/(^|,)"?[=+@-]/m);
  });
});
