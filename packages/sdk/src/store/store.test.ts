import type { Change, Note, Session } from '@muster/protocol';
import { describe, expect, it } from 'vitest';
import { defaultTimers } from '../platform.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { agendaOf, scheduleOf } from './selectors.ts';
import { Store } from './store.ts';
import type { TableName } from './tables.ts';

const USER = '01900000-0000-7000-8000-0000000000aa';
const EVENT = '01900000-0000-7000-8000-0000000000e1';
const SESSION = '01900000-0000-7000-8000-0000000000f1';
const userScope = `user:${USER}`;
const eventScope = `event:${EVENT}`;

const session = (id: string, startsAt: string, extra: Partial<Session> = {}): Session => ({
  id,
  eventId: EVENT,
  title: id,
  description: null,
  startsAt,
  endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(),
  room: null,
  track: null,
  tags: [],
  speakerIds: [],
  capacity: null,
  cancelled: false,
  updatedAt: '2031-01-01T00:00:00.000Z',
  ...extra,
});

let seqs: Record<string, number> = {};
function change(
  scope: string,
  entity: string,
  id: string,
  data: unknown,
  op: Change['op'] = 'upsert',
): Change {
  seqs[scope] = (seqs[scope] ?? 0) + 1;
  return { scope, seq: seqs[scope]!, entity, op, id, data, at: '2031-01-01T00:00:00.000Z' };
}

const newStore = (storage = new MemoryStorage()) =>
  new Store({ storage, timers: defaultTimers, ctx: { userId: USER } });

describe('Store', () => {
  it('applies change records to typed tables and advances cursors with them', () => {
    seqs = {};
    const store = newStore();
    const a = session('a', '2031-06-01T10:00:00.000Z');
    const b = session('b', '2031-06-01T10:30:00.000Z');
    store.applyInOrder([
      change(eventScope, 'agenda.sessionCreated', 'a', a),
      change(eventScope, 'agenda.sessionCreated', 'b', b),
      change(eventScope, 'agenda.sessionUpdated', 'a', { ...a, room: 'Hall', changed: ['room'] }),
      change(userScope, 'agenda.bookmarkAdded', 'a', {
        sessionId: 'a',
        eventId: EVENT,
        createdAt: a.updatedAt,
      }),
      change(userScope, 'agenda.bookmarkAdded', 'b', {
        sessionId: 'b',
        eventId: EVENT,
        createdAt: a.updatedAt,
      }),
      change(userScope, 'agenda.bookmarkRemoved', 'b', null, 'delete'),
    ]);
    const state = store.getState();
    expect(state.sessions.a).toEqual({ ...a, room: 'Hall' });
    expect(state.sessionMarks.a?.changed).toEqual(['room']);
    expect(Object.keys(state.bookmarks)).toEqual(['a']);
    expect(store.cursor(eventScope)).toBe(3);
    expect(store.cursor(userScope)).toBe(3);
    expect(agendaOf(state, EVENT).map((s) => s.id)).toEqual(['a', 'b']);
    expect(scheduleOf(state).map((e) => e.session.id)).toEqual(['a']);
  });

  it('lays overlays over confirmed state and rolls back by removing them', async () => {
    seqs = {};
    const store = newStore();
    const note: Note = { sessionId: 's1', body: 'server', updatedAt: '2031-01-01T00:00:00.000Z' };
    store.applyInOrder([change(userScope, 'agenda.noteSaved', 's1', note)]);
    const untouched = store.getState().sessions;
    let pending = true;
    store.setOverlays(() =>
      pending
        ? [
            (draft) => {
              draft.write('notes').s1 = { ...note, body: 'mine, offline' };
            },
          ]
        : [],
    );
    expect(store.getState().notes.s1?.body).toBe('mine, offline');
    expect(store.confirmed().notes.s1?.body).toBe('server');
    // A table no overlay touches keeps its identity (cheap change detection for UIs).
    expect(store.getState().sessions).toBe(untouched);
    const notified: ReadonlySet<TableName>[] = [];
    store.subscribe((_state, changed) => notified.push(changed));
    pending = false;
    store.overlaysChanged();
    await Promise.resolve();
    expect(store.getState().notes.s1?.body).toBe('server');
    expect(notified.map((set) => [...set])).toEqual([['notes']]);
  });

  it('saves tables and cursors together and restores them', async () => {
    seqs = {};
    const storage = new MemoryStorage();
    const store = newStore(storage);
    store.setFollowed([userScope, eventScope]);
    store.applyInOrder([
      change(eventScope, 'agenda.sessionCreated', 'a', session('a', '2031-06-01T10:00:00.000Z')),
    ]);
    await store.close();
    const again = newStore(storage);
    await again.restore();
    expect(again.getState().sessions.a?.title).toBe('a');
    expect(again.cursor(eventScope)).toBe(1);
    expect(again.followed()).toEqual([userScope, eventScope]);
  });

  it('forgets what a scope brought when it is dropped (reset)', () => {
    seqs = {};
    const store = newStore();
    store.applyInOrder([
      change(eventScope, 'agenda.sessionCreated', 'a', session('a', '2031-06-01T10:00:00.000Z')),
      change(userScope, 'agenda.noteSaved', 'a', {
        sessionId: 'a',
        body: 'x',
        updatedAt: '2031-01-01T00:00:00.000Z',
      }),
    ]);
    store.dropScope(eventScope);
    expect(store.getState().sessions).toEqual({});
    expect(store.getState().notes.a?.body).toBe('x');
    expect(store.cursor(eventScope)).toBeUndefined();
    store.dropScope(userScope);
    expect(store.getState().notes).toEqual({});
  });

  it('never moves a session back in time when two scopes report it', () => {
    seqs = {};
    const store = newStore();
    const newer = session(SESSION, '2031-06-01T10:00:00.000Z', {
      room: 'New',
      updatedAt: '2031-01-02T00:00:00.000Z',
    });
    const older = { ...newer, room: 'Old', updatedAt: '2031-01-01T00:00:00.000Z' };
    store.applyInOrder([change(eventScope, 'agenda.sessionCreated', SESSION, older)]);
    // The notice is read (its session passes the protocol's schema) and moves the session forward…
    store.applyInOrder([change(userScope, 'agenda.sessionChangedForYou', SESSION, { session: newer })]);
    expect(store.getState().sessions[SESSION]?.room).toBe('New');
    // …but an older copy of it never moves it back.
    store.applyInOrder([change(userScope, 'agenda.sessionChangedForYou', SESSION, { session: older })]);
    expect(store.getState().sessions[SESSION]?.room).toBe('New');
  });
});
