import type { Change } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent, rsvp } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { fanOutSessionChange } from './agenda.jobs.ts';

const server = useTestServer();
let organiser: TestUser;
let bookmarker: TestUser;
let going: TestUser;
let bystander: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server);
  bookmarker = await registerUser(server);
  going = await registerUser(server);
  bystander = await registerUser(server);
});

const forYou = (user: TestUser) =>
  server.published.filter((c) => c.scope === `user:${user.id}` && c.entity === 'agenda.sessionChangedForYou');

describe('live agenda: what changed for you', () => {
  it('tells everyone who bookmarked the session or RSVPd to the event, once, and nobody else', async () => {
    const event = await buildEvent(server, organiser);
    const session = await buildSession(server, organiser, event.id);
    await server.app.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${session.id}/bookmark`,
      headers: bookmarker.headers,
    });
    await rsvp(server, going, event.id, 'going');
    const moved = await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/sessions/${session.id}`,
      headers: organiser.headers,
      payload: { room: 'Room 2' },
    });
    expect(moved.statusCode).toBe(200);
    // The event scope carries it at once; the per-person records come from the job.
    expect(
      server.published.some((c) => c.scope === `event:${event.id}` && c.entity === 'agenda.sessionUpdated'),
    ).toBe(true);
    await expect.poll(() => forYou(bookmarker).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => forYou(going).length, { timeout: 10_000 }).toBe(1);
    const record = forYou(bookmarker)[0] as Change & {
      data: { changed: string[]; bookmarked: boolean; session: { room: string } };
    };
    expect(record.data).toMatchObject({ changed: ['room'], bookmarked: true, session: { room: 'Room 2' } });
    expect((forYou(going)[0]!.data as { bookmarked: boolean }).bookmarked).toBe(false);
    expect(forYou(bystander)).toHaveLength(0);
    expect(forYou(organiser)).toHaveLength(0);
  });

  it('does not fan out edits that change nobody’s plans, and runs a redelivered job only once', async () => {
    const event = await buildEvent(server, organiser);
    const session = await buildSession(server, organiser, event.id);
    await server.app.inject({
      method: 'PUT',
      url: `/api/v1/sessions/${session.id}/bookmark`,
      headers: bookmarker.headers,
    });
    await server.app.inject({
      method: 'PATCH',
      url: `/api/v1/sessions/${session.id}`,
      headers: organiser.headers,
      payload: { description: 'typo fixed' },
    });
    const cancelled = await server.app.inject({
      method: 'DELETE',
      url: `/api/v1/sessions/${session.id}`,
      headers: organiser.headers,
    });
    expect(cancelled.statusCode).toBe(200);
    const mine = () => forYou(bookmarker).filter((c) => c.id === session.id);
    await expect.poll(() => mine().length, { timeout: 10_000 }).toBe(1);
    expect((mine()[0]!.data as { kind: string }).kind).toBe('cancelled');
    const seq = server.published.find(
      (c) => c.entity === 'agenda.sessionCancelled' && c.id === session.id,
    )!.seq;
    const again = await fanOutSessionChange(server.platform, {
      eventId: event.id,
      sessionId: session.id,
      seq,
      kind: 'cancelled',
      changed: ['cancelled'],
      before: null,
      after: cancelled.json(),
    });
    expect(again).toBe('skipped');
    expect(mine()).toHaveLength(1);
  });
});
