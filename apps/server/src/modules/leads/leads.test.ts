import type { Change, Lead, LeadDetail, LeadPage, Session } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, buildEvent, call, grantRole, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { scopeChanges } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { recordLead, recordLeads } from './leads.pipeline.ts';

const server = useTestServer();
let owner: TestUser;
let communityId: string;
let eventId: string;
beforeAll(async () => {
  owner = await registerUser(server, { name: 'Owner' });
  const event = await buildEvent(server, owner);
  eventId = event.id;
  communityId = event.communityId;
});

const capture = (as: TestUser, body: object, expected = [201]) =>
  call<Lead>(server, 'POST', `/api/v1/communities/${communityId}/leads`, as, body, expected);
const list = (as: TestUser, query = '') =>
  call<LeadPage>(server, 'GET', `/api/v1/communities/${communityId}/leads${query}`, as);
const detail = (as: TestUser, id: string) => call<LeadDetail>(server, 'GET', `/api/v1/leads/${id}`, as);

describe('capturing leads', () => {
  it('keeps one lead per e-mail per community, with one source per distinct capture', async () => {
    const [vendor] = await quickUsers(server, 1);
    await grantRole(server, eventId, owner, vendor!, 'vendor');
    await capture(vendor!, { email: 'Ada@Example.test', name: 'Ada', eventId }, [202]);
    await capture(vendor!, { email: 'ada@example.test', company: 'Analytical', eventId }, [202]);
    const found = (await list(owner, '?limit=200')).items.filter((l) => l.email === 'ada@example.test');
    expect(found).toHaveLength(1);
    const lead = await detail(owner, found[0]!.id);
    expect(lead).toMatchObject({
      email: 'ada@example.test',
      name: 'Ada',
      company: 'Analytical',
      stage: 'new',
    });
    expect(lead.sources).toEqual([expect.objectContaining({ kind: 'rep', repId: vendor!.id, eventId })]);
    expect(lead.scoreBreakdown).toEqual([
      { signal: 'metByRep', label: 'Met by a rep', count: 1, pointsEach: 15, points: 15 },
    ]);
  });

  it('records a source once when the same job runs twice', async () => {
    const submissionId = '01900000-0000-7000-8000-000000000001';
    const input = {
      communityId,
      email: 'twice@example.test',
      source: { kind: 'form' as const, formId: submissionId, submissionId },
    };
    const one = await withTx(server.platform, (work) => recordLead(work, input));
    const two = await withTx(server.platform, (work) => recordLead(work, input));
    expect(one).toMatchObject({ created: true, sourceAdded: true });
    expect(two).toEqual({ leadId: one.leadId, created: false, sourceAdded: false });
    expect((await detail(owner, one.leadId)).sources).toHaveLength(1);
  });

  it('records a batch in which one person appears twice as one lead with both sources', async () => {
    const ids = ['01900000-0000-7000-8000-00000000000a', '01900000-0000-7000-8000-00000000000b'];
    const results = await withTx(server.platform, (work) =>
      recordLeads(work, [
        {
          communityId,
          email: 'Twin@Example.test',
          name: 'Twin',
          source: { kind: 'form', submissionId: ids[0] },
        },
        { communityId, email: 'other@example.test', source: { kind: 'form', submissionId: ids[0] } },
        {
          communityId,
          email: 'twin@example.test',
          company: 'Pair',
          source: { kind: 'form', submissionId: ids[1] },
        },
      ]),
    );
    expect(results[0]!.leadId).toBe(results[2]!.leadId);
    expect(results.map((r) => [r.created, r.sourceAdded])).toEqual([
      [true, true],
      [true, true],
      [false, true],
    ]);
    const twin = await detail(owner, results[0]!.leadId);
    expect(twin).toMatchObject({ email: 'twin@example.test', name: 'Twin', company: 'Pair' });
    expect(twin.sources.map((s) => s.submissionId).sort()).toEqual(ids);
  });

  it('lets only managers and the event’s reps capture, and names bad fields', async () => {
    const [attendee, stranger] = await quickUsers(server, 2);
    await rsvp(server, attendee!, eventId, 'going');
    await capture(attendee!, { email: 'x@example.test', eventId }, [404]);
    await capture(stranger!, { email: 'x@example.test' }, [404]);
    const bad = await server.app.inject({
      method: 'POST',
      url: `/api/v1/communities/${communityId}/leads`,
      headers: owner.headers,
      payload: { email: 'not-an-email', isAdmin: true },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/isAdmin|email/);
    const huge = await server.app.inject({
      method: 'POST',
      url: `/api/v1/communities/${communityId}/leads`,
      headers: owner.headers,
      payload: { email: 'big@example.test', name: 'x'.repeat(201) },
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors[0].field).toBe('body.name');
  });
});

describe('scoring', () => {
  it('explains the score from RSVPs, bookmarks and forms of this community only', async () => {
    const person = await registerUser(server, { name: 'Grace' });
    await rsvp(server, person, eventId, 'going');
    const session = await call<Session>(server, 'POST', `/api/v1/events/${eventId}/sessions`, owner, {
      title: 'Keynote',
      startsAt: '2031-06-01T08:00:00.000Z',
      endsAt: '2031-06-01T09:00:00.000Z',
    });
    await call(server, 'PUT', `/api/v1/sessions/${session.id}/bookmark`, person);
    // Engagement with another community's event does not count here.
    const elsewhere = await buildEvent(server, owner);
    await rsvp(server, person, elsewhere.id, 'going');
    const lead = await capture(owner, { email: person.email.toUpperCase() });
    const { scoreBreakdown, score } = await detail(owner, lead.id);
    expect(scoreBreakdown.map((i) => [i.signal, i.count, i.points])).toEqual([
      ['metByRep', 1, 15],
      ['rsvpsGoing', 1, 15],
      ['bookmarks', 1, 3],
    ]);
    expect(score).toBe(33);
    expect(lead.score).toBe(33);
  });

  it('lists hot leads highest score first, filtered by minimum score, paged', async () => {
    // Two more people engaged enough to be hot: going to the event and met by a rep.
    for (const name of ['Hot One', 'Hot Two']) {
      const person = await registerUser(server, { name });
      await rsvp(server, person, eventId, 'going');
      await capture(owner, { email: person.email });
    }
    await capture(owner, { email: `cold-${Date.now()}@example.test` });
    const first = await list(owner, '?sort=score&minScore=30&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const rest = await list(owner, `?sort=score&minScore=30&limit=2&cursor=${first.nextCursor}`);
    const all = [...first.items, ...rest.items];
    expect(all).toHaveLength(3);
    expect(all.every((l) => l.score >= 30)).toBe(true);
    expect(all.map((l) => l.score)).toEqual([...all.map((l) => l.score)].sort((a, b) => b - a));
    const everyone = await list(owner, '?limit=200');
    expect(everyone.items.length).toBeGreaterThan(all.length);
    const bad = await server.app.inject({
      method: 'GET',
      url: `/api/v1/communities/${communityId}/leads?cursor=%%%`,
      headers: owner.headers,
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('the pipeline', () => {
  it('assigns to members only, tells the assignee, and shows members only their own leads', async () => {
    const [rep, outsider] = await quickUsers(server, 2);
    await addMember(server, communityId, owner, rep!);
    const lead = await capture(owner, { email: `pipe-${Date.now()}@example.test` });
    const notMember = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${lead.id}`,
      headers: owner.headers,
      payload: { assigneeId: outsider!.id },
    });
    expect(notMember.json().errors[0].field).toBe('body.assigneeId');
    const assigned = await call<LeadDetail>(server, 'PATCH', `/api/v1/leads/${lead.id}`, owner, {
      assigneeId: rep!.id,
    });
    expect(assigned.assigneeId).toBe(rep!.id);
    const told = await scopeChanges(server, rep!, `user:${rep!.id}`);
    expect(told.map((c: Change) => [c.entity, c.id])).toContainEqual(['leads.leadAssigned', lead.id]);

    expect((await list(rep!)).items.map((l) => l.id)).toEqual([lead.id]);
    await call(server, 'PATCH', `/api/v1/leads/${lead.id}`, rep!, { stage: 'contacted' });
    await call(server, 'PATCH', `/api/v1/leads/${lead.id}`, rep!, { assigneeId: null }, [403]);
    await call(server, 'GET', `/api/v1/leads/${lead.id}`, outsider!, undefined, [404]);
    await call(server, 'GET', `/api/v1/communities/${communityId}/leads`, outsider!, undefined, [404]);
    expect((await list(owner, '?stage=contacted')).items.map((l) => l.id)).toEqual([lead.id]);
  });

  it('keeps notes by workers of the lead, refusing blank and oversized ones', async () => {
    const lead = await capture(owner, { email: `notes-${Date.now()}@example.test` });
    await call(server, 'POST', `/api/v1/leads/${lead.id}/notes`, owner, { body: '  Called, wants a demo  ' });
    await call(server, 'POST', `/api/v1/leads/${lead.id}/notes`, owner, { body: '   ' }, [400]);
    await call(server, 'POST', `/api/v1/leads/${lead.id}/notes`, owner, { body: 'x'.repeat(4001) }, [400]);
    const { notes } = await detail(owner, lead.id);
    expect(notes.map((n) => [n.body, n.authorId])).toEqual([['Called, wants a demo', owner.id]]);
  });
});

describe('export', () => {
  it('exports every lead with its score and sources as CSV, defusing formulas, for managers only', async () => {
    await capture(owner, { email: 'formula@example.test', name: '=HYPERLINK("http://evil.test")' });
    const res = await server.app.inject({
      method: 'GET',
      url: `/api/v1/communities/${communityId}/leads.csv`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('id,email,name,company,stage,assigneeId,score,sources,createdAt');
    const formula = lines.find((l) => l.includes('formula@example.test'))!;
    expect(formula).toContain(`"'=HYPERLINK(""http://evil.test"")"`);
    expect(formula).toContain(',rep,');
    const [member, outsider] = await quickUsers(server, 2);
    await addMember(server, communityId, owner, member!);
    const asMember = await server.app.inject({
      method: 'GET',
      url: `/api/v1/communities/${communityId}/leads.csv`,
      headers: member!.headers,
    });
    expect(asMember.statusCode).toBe(403);
    const asOutsider = await server.app.inject({
      method: 'GET',
      url: `/api/v1/communities/${communityId}/leads.csv`,
      headers: outsider!.headers,
    });
    expect(asOutsider.statusCode).toBe(404);
  });
});

describe('captures by booth staff', () => {
  it('a rep capturing an existing lead’s e-mail learns nothing about it and repeats do not raise its score', async () => {
    const [vendor, assignee] = await quickUsers(server, 2);
    await addMember(server, communityId, owner, assignee!);
    const secondEvent = await buildEvent(server, owner, { communityId });
    await grantRole(server, eventId, owner, vendor!, 'vendor');
    await grantRole(server, secondEvent.id, owner, vendor!, 'staff');
    const email = `known-${Date.now()}@example.test`;
    const known = await capture(owner, { email, name: 'Secret Name', company: 'Secret Co' });
    await call(server, 'PATCH', `/api/v1/leads/${known.id}`, owner, {
      stage: 'qualified',
      assigneeId: assignee!.id,
    });

    const answers = [
      await capture(vendor!, { email: email.toUpperCase(), eventId }, [202]),
      await capture(vendor!, { email, name: 'Guess', eventId }, [202]),
      await capture(vendor!, { email, eventId: secondEvent.id }, [202]),
    ];
    for (const answer of answers) {
      const text = JSON.stringify(answer);
      for (const secret of ['Secret Name', 'Secret Co', 'qualified', assignee!.id, known.id, '"score"'])
        expect(text).not.toContain(secret);
    }
    // A capture of a new person answers the same way: the answer does not tell new from known.
    const fresh = await capture(vendor!, { email: `new-${Date.now()}@example.test`, eventId }, [202]);
    expect(Object.keys(fresh).sort()).toEqual(Object.keys(answers[0]!).sort());

    const lead = await detail(owner, known.id);
    expect(lead).toMatchObject({ name: 'Secret Name', company: 'Secret Co', stage: 'qualified' });
    // The owner's own capture and the vendor's count once each, however often the vendor repeats.
    expect(lead.scoreBreakdown).toEqual([
      { signal: 'metByRep', label: 'Met by a rep', count: 2, pointsEach: 15, points: 30 },
    ]);
  });
});
