import type { Change, Session } from '@muster/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from '../emitter.ts';
import { defaultTimers } from '../platform.ts';
import { MemoryStorage } from '../storage/memory.ts';
import { Store } from './store.ts';
import { UnreadableChanges, type UnreadableEvents } from './unreadable.ts';

const USER = '01900000-0000-7000-8000-0000000000aa';
const EVENT = '01900000-0000-7000-8000-0000000000e1';
const SESSION = '01900000-0000-7000-8000-0000000000f1';
const eventScope = `event:${EVENT}`;
const userScope = `user:${USER}`;
const AT = '2031-01-01T00:00:00.000Z';

const session: Session = {
  id: SESSION,
  eventId: EVENT,
  title: 'Keynote',
  description: null,
  startsAt: '2031-06-01T10:00:00.000Z',
  endsAt: '2031-06-01T11:00:00.000Z',
  room: null,
  track: null,
  tags: [],
  speakerIds: [],
  capacity: null,
  cancelled: false,
  updatedAt: AT,
};

const record = (scope: string, seq: number, entity: string, data: unknown): Change => ({
  scope,
  seq,
  entity,
  op: 'upsert',
  id: SESSION,
  data,
  at: AT,
});

function setup() {
  const events = new Emitter<UnreadableEvents>();
  const unreadable = new UnreadableChanges(events);
  const seen: UnreadableEvents['unreadableChange'][] = [];
  events.on('unreadableChange', (event) => seen.push(event));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const store = new Store({
    storage: new MemoryStorage(),
    timers: defaultTimers,
    ctx: { userId: USER, onUnreadable: (change, reason) => unreadable.report(change, reason) },
  });
  return { store, unreadable, seen, warn };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('change records the SDK cannot read', () => {
  it('are counted and reported, never silently dropped, and the known ones around them still apply', () => {
    const { store, unreadable, seen, warn } = setup();
    store.applyInOrder([
      record(eventScope, 1, 'agenda.sessionCreated', session),
      // A newer server's entity (or a rename the SDK missed).
      record(eventScope, 2, 'agenda.sessionRenamed', { title: 'x' }),
      record(eventScope, 3, 'agenda.sessionRenamed', { title: 'y' }),
      record(eventScope, 4, 'agenda.sessionUpdated', { ...session, room: 'Hall', changed: ['room'] }),
    ]);
    expect(store.getState().sessions[SESSION]?.room).toBe('Hall');
    // The cursor moved past them: sync does not stall on a record it cannot read.
    expect(store.cursor(eventScope)).toBe(4);
    expect(unreadable.byEntity()).toEqual({ 'agenda.sessionRenamed': 2 });
    expect(seen).toEqual([
      { entity: 'agenda.sessionRenamed', scope: eventScope, seq: 2, reason: 'unknown_entity', count: 1 },
      { entity: 'agenda.sessionRenamed', scope: eventScope, seq: 3, reason: 'unknown_entity', count: 2 },
    ]);
    // Logged once per entity name, not once per record.
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('agenda.sessionRenamed');
  });

  it('reports a known entity on a scope kind the catalogue does not give it, without applying it', () => {
    const { store, unreadable, seen } = setup();
    // Sessions travel on event scopes; a session on a user scope is not what the catalogue says.
    store.applyInOrder([record(userScope, 1, 'agenda.sessionCreated', session)]);
    expect(store.getState().sessions).toEqual({});
    expect(store.cursor(userScope)).toBe(1);
    expect(unreadable.byEntity()).toEqual({ 'agenda.sessionCreated': 1 });
    expect(seen[0]?.reason).toBe('wrong_scope');
  });

  it('reports data of an entity without a protocol schema that fails the SDK check (hostile input)', () => {
    const { store, unreadable, seen } = setup();
    store.applyInOrder([
      record(userScope, 1, 'notifications.created', { id: 42, title: ['not', 'a', 'title'] }),
      record(userScope, 2, 'agenda.sessionChangedForYou', { session: { id: SESSION, updatedAt: 7 } }),
      record(userScope, 3, 'notifications.created', null),
      record(userScope, 4, 'notifications.created', {
        id: 'n1',
        category: 'agenda',
        kind: 'session.moved',
        title: 'Moved',
        body: null,
        data: { sessionId: SESSION },
        createdAt: AT,
        readAt: null,
      }),
    ]);
    expect(Object.keys(store.getState().notifications)).toEqual([SESSION]);
    expect(store.getState().sessions).toEqual({});
    expect(store.cursor(userScope)).toBe(4);
    expect(unreadable.byEntity()).toEqual({ 'notifications.created': 2, 'agenda.sessionChangedForYou': 1 });
    expect(seen.map((event) => event.reason)).toEqual(['invalid_data', 'invalid_data', 'invalid_data']);
  });

  it('ignores, without reporting, the catalogue entities the SDK deliberately does not keep', () => {
    const { store, seen } = setup();
    store.applyInOrder([record(eventScope, 1, 'forms.formChanged', { anything: true })]);
    expect(store.cursor(eventScope)).toBe(1);
    expect(seen).toEqual([]);
  });
});
