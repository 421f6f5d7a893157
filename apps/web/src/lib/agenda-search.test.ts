import type { Session } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import { nowAndNext, searchSessions } from './agenda-search.ts';

function buildSession(over: Partial<Session>): Session {
  return {
    id: 's1',
    eventId: 'e1',
    title: 'Opening keynote',
    startsAt: '2026-06-01T09:00:00.000Z',
    endsAt: '2026-06-01T10:00:00.000Z',
    room: 'Main hall',
    track: 'Product',
    speakerIds: [],
    cancelled: false,
    ...over,
  } as Session;
}

describe('searchSessions', () => {
  const sessions = [
    buildSession({ id: 'a', title: 'Café design', room: 'Room B', speakerIds: ['u1'] }),
    buildSession({ id: 'b', title: 'Scaling Postgres', track: 'Data', room: 'Main hall' }),
  ];
  it('matches title, room, track and speaker names, ignoring case and accents', () => {
    const names = { u1: 'Ada Lovelace' };
    expect(searchSessions(sessions, 'cafe', names).map((s) => s.id)).toEqual(['a']);
    expect(searchSessions(sessions, 'main HALL', names).map((s) => s.id)).toEqual(['b']);
    expect(searchSessions(sessions, 'data', names).map((s) => s.id)).toEqual(['b']);
    expect(searchSessions(sessions, 'lovelace room', names).map((s) => s.id)).toEqual(['a']);
    expect(searchSessions(sessions, 'nothing', names)).toEqual([]);
    // Words match from their start: "b" is Room B's, not the b inside "Scaling Postgres" or "Lovelace".
    expect(searchSessions(sessions, 'room b', names).map((s) => s.id)).toEqual(['a']);
    expect(searchSessions(sessions, 'post', names).map((s) => s.id)).toEqual(['b']);
    expect(searchSessions(sessions, 'gres', names)).toEqual([]);
    expect(searchSessions(sessions, '  ', names)).toHaveLength(2);
  });
});

describe('nowAndNext', () => {
  it('lists sessions in progress and the earliest upcoming slot, never cancelled ones', () => {
    const sessions = [
      buildSession({ id: 'on', startsAt: '2026-06-01T09:00:00Z', endsAt: '2026-06-01T10:00:00Z' }),
      buildSession({
        id: 'gone',
        startsAt: '2026-06-01T09:00:00Z',
        endsAt: '2026-06-01T10:00:00Z',
        cancelled: true,
      }),
      buildSession({ id: 'n1', startsAt: '2026-06-01T10:30:00Z', endsAt: '2026-06-01T11:00:00Z' }),
      buildSession({ id: 'n2', startsAt: '2026-06-01T10:30:00Z', endsAt: '2026-06-01T11:30:00Z' }),
      buildSession({ id: 'later', startsAt: '2026-06-01T12:00:00Z', endsAt: '2026-06-01T13:00:00Z' }),
    ];
    const result = nowAndNext(sessions, Date.parse('2026-06-01T09:30:00Z'));
    expect(result.now.map((s) => s.id)).toEqual(['on']);
    expect(result.next.map((s) => s.id)).toEqual(['n1', 'n2']);
    expect(nowAndNext(sessions, Date.parse('2026-06-02T00:00:00Z'))).toEqual({ now: [], next: [] });
  });
});
