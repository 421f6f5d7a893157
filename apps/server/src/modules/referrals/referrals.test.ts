import type {
  LeadDetail,
  LeadPage,
  ReferralCode,
  ReferralLeaderboard,
  ReferralLedger,
} from '@muster/protocol';
import { inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { buildForm, eventually, leadAnswers, statusOf, submit } from '../../../test/factories/forms.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { users } from '../identity/index.ts';
import { type AttributionInput, attributeReferral, normaliseCode } from './referrals.service.ts';

const server = useTestServer();
let organiser: TestUser;
let eventId: string;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  eventId = (await buildEvent(server, organiser)).id;
});

const codeFor = (user: TestUser, body: object = { eventId }) =>
  call<ReferralCode>(server, 'POST', '/api/v1/referrals', user, body);
const attribute = (input: AttributionInput) =>
  withTx(server.platform, (work) => attributeReferral(work, input));
/** Sign-ups and RSVPs count once the referred person has verified their address. */
const verify = (...people: TestUser[]) =>
  server.platform.db
    .update(users)
    .set({ emailVerifiedAt: new Date() })
    .where(
      inArray(
        users.id,
        people.map((p) => p.id),
      ),
    );

describe('referral codes', () => {
  it('gives each person one code per event, with a link to share', async () => {
    const [ambassador] = await quickUsers(server, 1);
    const code = await codeFor(ambassador!);
    expect(code.code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(code.url).toMatch(new RegExp(`/events/${eventId}\\?ref=${code.code}$`));
    expect((await codeFor(ambassador!)).code).toBe(code.code);
    const platformWide = await codeFor(ambassador!, {});
    expect(platformWide.code).not.toBe(code.code);
    expect(platformWide.eventId).toBeNull();
  });

  it('refuses codes for events the caller cannot see and names bad fields', async () => {
    const [someone] = await quickUsers(server, 1);
    const draft = await buildEvent(server, organiser, { status: 'draft' });
    await call(server, 'POST', '/api/v1/referrals', someone!, { eventId: draft.id }, [404]);
    const bad = await server.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: someone!.headers,
      payload: { eventId: 'nope', extra: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(() => normaliseCode('body.ref', 'x; drop table')).toThrow(/referral code/);
    expect(normaliseCode('body.ref', 'abcd2345')).toBe('ABCD2345');
  });
});

describe('attribution and the ledger', () => {
  it('credits the first code once per subject, never the referrer themselves', async () => {
    const [ambassador, friend, other] = await quickUsers(server, 3);
    await verify(friend!);
    await rsvp(server, friend!, eventId, 'going');
    const { code } = await codeFor(ambassador!);
    const { code: otherCode } = await codeFor(other!);
    const signup = { kind: 'registration' as const, subjectId: friend!.id, referredUserId: friend!.id };
    expect(await attribute({ code: code.toLowerCase(), ...signup })).toEqual({ referrerId: ambassador!.id });
    expect(await attribute({ code, ...signup })).toBeNull();
    expect(await attribute({ code: otherCode, ...signup })).toBeNull();
    expect(
      await attribute({
        code,
        kind: 'rsvp',
        subjectId: `${eventId}:${ambassador!.id}`,
        referredUserId: ambassador!.id,
      }),
    ).toBeNull();
    expect(await attribute({ code: 'UNKNOWN1', kind: 'submission', subjectId: 'a' })).toBeNull();
    await attribute({
      code,
      kind: 'rsvp',
      subjectId: `${eventId}:${friend!.id}`,
      referredUserId: friend!.id,
      eventId,
    });

    const ledger = await call<ReferralLedger>(server, 'GET', '/api/v1/me/referrals?limit=1', ambassador!);
    // Two lines for one person: the total counts distinct people.
    expect(ledger.total).toBe(1);
    expect(ledger.items).toHaveLength(1);
    expect(ledger.codes.map((c) => c.code)).toContain(code);
    const next = await call<ReferralLedger>(
      server,
      'GET',
      `/api/v1/me/referrals?limit=1&cursor=${ledger.nextCursor}`,
      ambassador!,
    );
    expect([...ledger.items, ...next.items].map((r) => r.kind).sort()).toEqual(['registration', 'rsvp']);

    const board = await call<ReferralLeaderboard>(
      server,
      'GET',
      `/api/v1/events/${eventId}/referrals/leaderboard`,
      friend!,
    );
    expect(board.items[0]).toMatchObject({ userId: ambassador!.id, referrals: 1 });
  });
});

describe('referrals through forms', () => {
  it('credits a submission that carries a code, and records the referral on the lead', async () => {
    const [ambassador] = await quickUsers(server, 1);
    const { code } = await codeFor(ambassador!);
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
    const res = await submit(server, form.id, { answers: leadAnswers(42), ref: code.toLowerCase() });
    expect(res.statusCode).toBe(202);
    const { submissionId } = res.json();
    const done = await eventually(async () => {
      const status = await statusOf(server, submissionId);
      return status.status === 'done' ? status : undefined;
    });
    const lead = await call<LeadDetail>(server, 'GET', `/api/v1/leads/${done.leadId}`, organiser);
    expect(lead.sources.map((s) => [s.kind, s.referralCode])).toEqual([
      ['form', null],
      ['referral', code],
    ]);
    const ledger = await call<ReferralLedger>(server, 'GET', '/api/v1/me/referrals', ambassador!);
    expect(ledger.items).toEqual([
      expect.objectContaining({ kind: 'submission', eventId, referredUserId: null }),
    ]);
  });
});

describe('claiming the code a person arrived with', () => {
  it('credits a fresh sign-up and an RSVP once each, and refuses what cannot be credited', async () => {
    const [ambassador] = await quickUsers(server, 1);
    const { code } = await codeFor(ambassador!);
    const newcomer = await registerUser(server, { name: 'Newcomer' });
    const claim = (body: object, expected = [200]) =>
      call<{ credited: boolean; kind: string }>(
        server,
        'POST',
        '/api/v1/referrals/claim',
        newcomer,
        body,
        expected,
      );
    expect(await claim({ code })).toEqual({ credited: true, kind: 'registration' });
    expect(await claim({ code })).toEqual({ credited: false, kind: 'registration' });
    await claim({ code, eventId }, [409]);
    await rsvp(server, newcomer, eventId, 'going');
    expect(await claim({ code, eventId })).toEqual({ credited: true, kind: 'rsvp' });
    await claim({ code: 'bad code!' }, [400]);
    await verify(newcomer);
    const board = await call<ReferralLeaderboard>(
      server,
      'GET',
      `/api/v1/events/${eventId}/referrals/leaderboard`,
      newcomer,
    );
    expect(board.items.find((l) => l.userId === ambassador!.id)).toMatchObject({ referrals: 1 });
  });
});

describe('referral farming earns nothing', () => {
  const verified = async (n: number) => {
    const people = await quickUsers(server, n);
    await verify(...people);
    return people;
  };
  const total = async (user: TestUser) =>
    (await call<ReferralLedger>(server, 'GET', '/api/v1/me/referrals', user)).total;
  const claim = (user: TestUser, body: object) =>
    call<{ credited: boolean }>(server, 'POST', '/api/v1/referrals/claim', user, body);
  const leadOf = async (email: string) => {
    const { items } = await call<LeadPage>(
      server,
      'GET',
      `/api/v1/communities/${communityId}/leads?limit=200`,
      organiser,
    );
    const lead = items.find((l) => l.email === email.toLowerCase());
    return lead ? call<LeadDetail>(server, 'GET', `/api/v1/leads/${lead.id}`, organiser) : undefined;
  };
  const processed = async (res: { statusCode: number; json: () => { submissionId: string } }) => {
    expect(res.statusCode).toBe(202);
    const { submissionId } = res.json();
    return eventually(async () => {
      const status = await statusOf(server, submissionId);
      return status.status === 'done' ? status : undefined;
    });
  };
  let communityId: string;
  beforeAll(async () => {
    communityId = (await call<{ communityId: string }>(server, 'GET', `/api/v1/events/${eventId}`, organiser))
      .communityId;
  });

  it('withdraws the credit of an RSVP that is declined or withdrawn', async () => {
    const [ambassador, friend, other] = await verified(3);
    const { code } = await codeFor(ambassador!);
    await rsvp(server, friend!, eventId, 'going');
    expect(await claim(friend!, { code, eventId })).toEqual({ credited: true, kind: 'rsvp' });
    expect(await total(ambassador!)).toBe(1);
    await rsvp(server, friend!, eventId, 'declined');
    expect(await total(ambassador!)).toBe(0);
    await rsvp(server, other!, eventId, 'going');
    await claim(other!, { code, eventId });
    expect(await total(ambassador!)).toBe(1);
    await call(server, 'DELETE', `/api/v1/events/${eventId}/rsvp`, other!);
    expect(await total(ambassador!)).toBe(0);
    const board = await call<ReferralLeaderboard>(
      server,
      'GET',
      `/api/v1/events/${eventId}/referrals/leaderboard`,
      organiser,
    );
    expect(board.items.find((l) => l.userId === ambassador!.id)).toBeUndefined();
    await call(server, 'POST', `/api/v1/communities/${communityId}/leads`, organiser, {
      email: ambassador!.email,
    });
    expect((await leadOf(ambassador!.email))!.scoreBreakdown.map((i) => i.signal)).not.toContain('referrals');
  });

  it('counts a sign-up only once the referred person has verified their address', async () => {
    const [ambassador] = await verified(1);
    const { code } = await codeFor(ambassador!, {});
    const [newcomer] = await quickUsers(server, 1);
    await claim(newcomer!, { code });
    expect(await total(ambassador!)).toBe(0);
    await verify(newcomer!);
    expect(await total(ambassador!)).toBe(1);
  });

  it('never credits a submission with one’s own code and e-mail, signed in or not', async () => {
    const ambassador = await registerUser(server, { name: 'Farmer' });
    const { code } = await codeFor(ambassador);
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
    const own = { ...leadAnswers(7), email: ambassador.email };
    await processed(await submit(server, form.id, { answers: own, ref: code }));
    await processed(await submit(server, form.id, { answers: own, ref: code }, { as: ambassador }));
    expect(await total(ambassador)).toBe(0);
    const lead = await leadOf(ambassador.email);
    expect(lead!.sources.map((s) => s.kind)).toEqual(['form', 'form']);
    expect(lead!.scoreBreakdown.map((i) => i.signal)).not.toContain('referrals');
  });

  it('credits anonymous submissions with a code once per person, and only people new to the community', async () => {
    const [ambassador] = await verified(1);
    const { code } = await codeFor(ambassador!);
    const form = await buildForm(server, organiser, { ownerType: 'event', ownerId: eventId });
    const known = `known-${Date.now()}@example.test`;
    await call(server, 'POST', `/api/v1/communities/${communityId}/leads`, organiser, { email: known });
    const fresh = `fresh-${Date.now()}@example.test`;
    for (const email of [fresh, fresh.toUpperCase(), known, fresh])
      await processed(await submit(server, form.id, { answers: { ...leadAnswers(8), email }, ref: code }));
    expect(await total(ambassador!)).toBe(1);
    expect((await leadOf(known))!.sources.map((s) => s.kind)).toEqual(['rep', 'form']);
  });
});
