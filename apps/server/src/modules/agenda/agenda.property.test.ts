import type { Agenda, Change, Session } from '@muster/protocol';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, buildSession } from '../../../test/factories/agenda.ts';
import { buildEvent } from '../../../test/factories/events.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let organiser: TestUser;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
});

/** One agenda write; `target` picks a session known when its batch starts (modulo their number). */
type Op =
  | { kind: 'create'; hour: number; room: string }
  | { kind: 'move'; target: number; hour: number }
  | { kind: 'rename'; target: number; title: string }
  | { kind: 'room'; target: number; room: string | null }
  | { kind: 'cancel'; target: number };

const room = fc.constantFrom('A', 'B', 'C');
const hour = fc.integer({ min: 6, max: 20 });
const target = fc.nat({ max: 50 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), hour, room }),
  fc.record({ kind: fc.constant('move' as const), target, hour }),
  fc.record({
    kind: fc.constant('rename' as const),
    target,
    title: fc.string({ minLength: 1, maxLength: 20 }),
  }),
  fc.record({ kind: fc.constant('room' as const), target, room: fc.option(room, { nil: null }) }),
  fc.record({ kind: fc.constant('cancel' as const), target }),
);
/** Batches run one after another; the writes inside a batch race each other. */
const batches = fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 });

function send(eventId: string, ids: readonly string[], o: Op) {
  const headers = organiser.headers;
  if (o.kind === 'create')
    return server.app.inject({
      method: 'POST',
      url: `/api/v1/events/${eventId}/sessions`,
      headers,
      payload: { title: `New at ${o.hour}`, startsAt: at(o.hour), endsAt: at(o.hour + 1), room: o.room },
    });
  const id = ids[o.target % ids.length];
  const url = `/api/v1/sessions/${id}`;
  if (o.kind === 'cancel') return server.app.inject({ method: 'DELETE', url, headers });
  const payload =
    o.kind === 'move'
      ? { startsAt: at(o.hour), endsAt: at(o.hour + 1) }
      : o.kind === 'rename'
        ? { title: o.title }
        : { room: o.room };
  return server.app.inject({ method: 'PATCH', url, headers, payload });
}

/** What a client holding nothing would build from the log: the last upsert of every id wins. */
function replay(changes: readonly Change[]): Session[] {
  const state = new Map<string, Session>();
  for (const change of changes) {
    if (!change.entity.startsWith('agenda.')) continue; // the event's own changes share the scope
    if (change.op === 'delete') state.delete(change.id);
    else {
      const { changed: _changed, ...session } = change.data as Session & { changed?: string[] };
      state.set(change.id, session);
    }
  }
  return [...state.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('agenda change log under concurrent writes (property)', () => {
  it('stays gap-free and replays to the agenda', async () => {
    await fc.assert(
      fc.asyncProperty(batches, async (plan) => {
        const event = await buildEvent(server, organiser);
        const ids = [(await buildSession(server, organiser, event.id)).id];
        for (const batch of plan) {
          const known = [...ids];
          const responses = await Promise.all(batch.map((o) => send(event.id, known, o)));
          for (const res of responses) {
            expect(res.statusCode).toBeLessThan(500);
            if (res.statusCode === 201) ids.push(res.json<Session>().id);
          }
        }
        const scope = `event:${event.id}`;
        const log = (
          await server.app.inject({
            method: 'GET',
            url: `/api/v1/sync?scopes=${scope}@0&limit=1000`,
            headers: organiser.headers,
          })
        ).json().scopes[scope];
        const seqs = log.changes.map((c: Change) => c.seq);
        expect(seqs).toEqual(Array.from({ length: log.head }, (_, i) => i + 1));
        expect(log.hasMore).toBe(false);

        const agenda = (
          await server.app.inject({ method: 'GET', url: `/api/v1/events/${event.id}/sessions` })
        ).json<Agenda>();
        expect(agenda.head).toBe(log.head);
        expect(replay(log.changes)).toEqual([...agenda.items].sort((a, b) => (a.id < b.id ? -1 : 1)));
        const starts = agenda.items.map((s) => Date.parse(s.startsAt));
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      }),
      { numRuns: 10 },
    );
  });
});
