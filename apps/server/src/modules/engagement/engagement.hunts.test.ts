import type { CheckpointClaimed, Hunt, HuntCheckpoint, HuntList } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { pointsOf } from '../../../test/factories/engagement.ts';
import { buildEvent, call, quickUsers, rsvp } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { HUNT_WRONG_CODE_LIMIT, normaliseHuntCode } from './engagement.hunts.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

async function huntEvent(options: { ordered?: boolean } = {}) {
  const event = await buildEvent(server, organiser);
  const hunt = await call<Hunt>(server, 'POST', `/api/v1/events/${event.id}/hunts`, organiser, {
    title: 'Find the coffee',
    ordered: options.ordered ?? false,
    checkpoints: [
      { name: 'Espresso bar', points: 30, clue: 'Where the queue is longest' },
      { name: 'Roastery stand', hint: 'Hall B, left of the stage', hintCost: 4 },
      { name: 'Tea corner' },
    ],
  });
  const [ann, bob] = await quickUsers(server, 2, 'Hunter');
  for (const p of [ann!, bob!]) await rsvp(server, p, event.id, 'going');
  return { event, hunt, ann: ann!, bob: bob! };
}

const claim = (as: TestUser, code: string, expected?: number[]) =>
  call<CheckpointClaimed>(server, 'POST', '/api/v1/hunts/checkpoints/claim', as, { code }, expected);

describe('scavenger hunts', () => {
  it('scores a checkpoint once per person, however its code is typed, and never twice', async () => {
    const { event, hunt, ann, bob } = await huntEvent();
    const codes = hunt.checkpoints.map((cp) => cp.code!);
    expect(codes.every((c) => /^[0-9A-HJKMNP-TV-Z]{8}$/.test(c))).toBe(true);
    // Attendees see clues, never codes.
    const seen = await call<HuntList>(server, 'GET', `/api/v1/events/${event.id}/hunts`, ann);
    expect(seen.items[0]?.checkpoints.map((cp) => cp.code)).toEqual([undefined, undefined, undefined]);
    expect(seen.items[0]?.checkpoints[1]).toMatchObject({ hasHint: true, hint: null, hintCost: 4 });

    const typed = `${codes[0]!.slice(0, 4).toLowerCase()}-${codes[0]!.slice(4)}`;
    const first = await claim(ann, typed);
    expect(first).toMatchObject({ points: 30, alreadyFound: false, found: 1, total: 3 });
    expect(first.checkpoint).toMatchObject({ name: 'Espresso bar', found: true });
    const again = await claim(ann, codes[0]!);
    expect(again).toMatchObject({ points: 0, alreadyFound: true, found: 1 });
    // Bob finds it too: each person scores their own find.
    expect((await claim(bob, codes[0]!)).points).toBe(30);
    expect((await pointsOf(server, ann, event.id)).points).toBe(30);
    expect((await pointsOf(server, bob, event.id)).points).toBe(30);
  });

  it('keeps finds apart in time, and a hunt in order when it says so', async () => {
    const { hunt, ann, bob } = await huntEvent({ ordered: true });
    const codes = hunt.checkpoints.map((cp) => cp.code!);
    await claim(bob, codes[1]!, [409]);
    await claim(ann, codes[0]!);
    // A second find within 20 s is refused with when to try again, and changes nothing.
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/hunts/checkpoints/claim',
      headers: ann.headers,
      payload: { code: codes[1] },
    });
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const list = await call<HuntList>(server, 'GET', `/api/v1/events/${hunt.eventId}/hunts`, ann);
    expect(list.items[0]?.found).toBe(1);
  });

  it('limits wrong codes per person, so codes cannot be guessed', async () => {
    const { hunt, ann, bob } = await huntEvent();
    for (let i = 0; i < HUNT_WRONG_CODE_LIMIT.points; i++) await claim(ann, `WRONG${i}00`, [404]);
    // Out of guesses: even the right code waits, and the wrong guesses cost nobody else anything.
    await claim(ann, hunt.checkpoints[0]!.code!, [429]);
    expect((await claim(bob, hunt.checkpoints[0]!.code!)).points).toBe(30);
  });

  it('charges a hint once, in points', async () => {
    const { event, hunt, ann } = await huntEvent();
    const id = hunt.checkpoints[1]!.id;
    const hinted = await call<HuntCheckpoint>(server, 'POST', `/api/v1/hunts/checkpoints/${id}/hint`, ann);
    expect(hinted.hint).toBe('Hall B, left of the stage');
    await call(server, 'POST', `/api/v1/hunts/checkpoints/${id}/hint`, ann);
    const mine = await pointsOf(server, ann, event.id);
    expect(mine.points).toBe(-4);
    expect(mine.items).toMatchObject([{ action: 'hint_taken', points: -4 }]);
    await call(
      server,
      'POST',
      `/api/v1/hunts/checkpoints/${hunt.checkpoints[0]!.id}/hint`,
      ann,
      undefined,
      [404],
    );
  });

  it('refuses outsiders, non-organisers and hostile input', async () => {
    const { event, hunt, ann } = await huntEvent();
    const stranger = await registerUser(server, { name: 'Stranger' });
    await claim(stranger, hunt.checkpoints[0]!.code!, [403]);
    await call(
      server,
      'POST',
      `/api/v1/events/${event.id}/hunts`,
      ann,
      { title: 'Mine', checkpoints: [{ name: 'x' }] },
      [403],
    );
    for (const body of [
      { title: 'Too many', checkpoints: Array.from({ length: 51 }, (_, i) => ({ name: `cp ${i}` })) },
      { title: 'None', checkpoints: [] },
      { title: 'Bad points', checkpoints: [{ name: 'x', points: -1 }] },
      { title: 'Long clue', checkpoints: [{ name: 'x', clue: 'c'.repeat(501) }] },
      { title: '\u202Eevil', checkpoints: [{ name: 'x' }] },
    ])
      await call(server, 'POST', `/api/v1/events/${event.id}/hunts`, organiser, body, [400]);
    for (const code of ['', 'abc', 'x'.repeat(41), '<script>', "1' or '1'='1"]) await claim(ann, code, [400]);
    expect(normaliseHuntCode(' ab-cd ol ')).toBe('ABCD01');
  });
});
