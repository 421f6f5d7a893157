import type {
  Bookmark,
  Change,
  Channel,
  Event,
  EventRoleGrant,
  Mentioned,
  Message,
  Note,
  ReactionsChanged,
  ReadState,
  ReceiptUpdated,
  Rsvp,
  Session,
  SessionUpdatedData,
  User,
} from '@muster/protocol';
import type { Draft, NotificationRecord, TableName, Tables } from './tables.ts';

export interface ApplyContext {
  /** The signed-in user: their own reactions are tracked in `myReactions`. */
  userId: string;
  /** Called for `identity.profileUpdated` of the signed-in user. */
  onProfile?: (user: User) => void;
}

type Reducer = (draft: Draft, change: Change, ctx: ApplyContext) => void;

/** Newer-or-equal by ISO timestamp: a row fed by two scopes never goes back in time. */
const notOlder = (next: string | null | undefined, current: string | null | undefined) =>
  !current || !next || next >= current;

function put<K extends TableName>(draft: Draft, table: K, id: string, row: unknown) {
  (draft.write(table) as Record<string, unknown>)[id] = row;
}

function remove(draft: Draft, table: TableName, id: string) {
  if (id in draft.read(table)) delete (draft.write(table) as Record<string, unknown>)[id];
}

function upsertEvent(draft: Draft, event: Event) {
  if (notOlder(event.updatedAt, draft.read('events')[event.id]?.updatedAt))
    put(draft, 'events', event.id, event);
}

function upsertSession(draft: Draft, session: Session) {
  if (notOlder(session.updatedAt, draft.read('sessions')[session.id]?.updatedAt))
    put(draft, 'sessions', session.id, session);
}

const sessionOf = (data: Session | SessionUpdatedData): Session => {
  const { changed: _changed, ...session } = data as SessionUpdatedData;
  return session;
};

function upsertMessage(draft: Draft, message: Message) {
  const current = draft.read('messages')[message.id];
  // Change records carry no `myReactions`: keep what we know of our own.
  const mine = message.myReactions ?? current?.myReactions;
  put(draft, 'messages', message.id, mine ? { ...message, myReactions: mine } : message);
}

/**
 * How each change entity updates the tables. Entities not listed (communities, forms, leads…) are
 * not kept locally; their records still advance the scope's cursor.
 */
const reducers: Record<string, Reducer> = {
  'events.eventCreated': (d, c) => upsertEvent(d, c.data as Event),
  'events.eventUpdated': (d, c) => upsertEvent(d, c.data as Event),
  'events.statusChanged': (d, c) => upsertEvent(d, c.data as Event),
  'events.rsvpChanged': (d, c) =>
    c.op === 'delete' ? remove(d, 'rsvps', c.id) : put(d, 'rsvps', c.id, c.data as Rsvp),
  'events.roleChanged': (d, c) =>
    c.op === 'delete' ? remove(d, 'roles', c.id) : put(d, 'roles', c.id, c.data as EventRoleGrant),
  'agenda.sessionCreated': (d, c) => upsertSession(d, sessionOf(c.data as Session)),
  'agenda.sessionCancelled': (d, c) => upsertSession(d, sessionOf(c.data as Session)),
  'agenda.sessionUpdated': (d, c) => {
    const data = c.data as SessionUpdatedData;
    upsertSession(d, sessionOf(data));
    put(d, 'sessionMarks', c.id, { changed: data.changed, at: c.at });
  },
  // A personal notice about a session on my schedule; the session itself is fresher or equal.
  'agenda.sessionChangedForYou': (d, c) => {
    const session = (c.data as { session?: Session | null }).session;
    if (session && session.id in d.read('sessions')) upsertSession(d, session);
  },
  'agenda.bookmarkAdded': (d, c) => put(d, 'bookmarks', c.id, c.data as Bookmark),
  'agenda.bookmarkRemoved': (d, c) => remove(d, 'bookmarks', c.id),
  'agenda.noteSaved': (d, c) => put(d, 'notes', c.id, c.data as Note),
  'messaging.channelCreated': (d, c) => put(d, 'channels', c.id, c.data as Channel),
  'messaging.messageSent': (d, c) => upsertMessage(d, c.data as Message),
  'messaging.messageEdited': (d, c) => upsertMessage(d, c.data as Message),
  'messaging.messageDeleted': (d, c) => upsertMessage(d, { ...(c.data as Message), myReactions: [] }),
  'messaging.reactionsChanged': (d, c, ctx) => {
    const data = c.data as ReactionsChanged;
    const message = d.read('messages')[data.messageId];
    if (!message) return;
    let mine = message.myReactions;
    if (data.userId === ctx.userId) {
      const others = (mine ?? []).filter((emoji) => emoji !== data.emoji);
      mine = data.added ? [...others, data.emoji] : others;
    }
    put(d, 'messages', message.id, {
      ...message,
      reactions: data.reactions,
      ...(mine ? { myReactions: mine } : {}),
    });
  },
  'messaging.readStateChanged': (d, c) => put(d, 'readStates', c.id, c.data as ReadState),
  'messaging.receiptUpdated': (d, c) => {
    const data = c.data as ReceiptUpdated;
    put(d, 'receipts', `${data.channelId}:${data.userId}`, data);
  },
  'messaging.mentioned': (d, c) => put(d, 'mentions', c.id, c.data as Mentioned),
  'notifications.created': (d, c) => put(d, 'notifications', c.id, c.data as NotificationRecord),
  'identity.profileUpdated': (_d, c, ctx) => {
    if (c.id === ctx.userId) ctx.onProfile?.(c.data as User);
  },
};

/** Applies one change record. Records are full-state upserts, so applying one twice is harmless. */
export function applyChange(draft: Draft, change: Change, ctx: ApplyContext): void {
  reducers[change.entity]?.(draft, change, ctx);
}

/**
 * Forgets what a scope brought, before it is reloaded after `reset`: everything of an event
 * (sessions, channels), a channel's messages and receipts, or the user's personal tables.
 */
export function dropScope(draft: Draft, scope: string): void {
  const [kind, id = ''] = splitScope(scope);
  const dropWhere = <K extends TableName>(table: K, test: (row: Tables[K][string]) => boolean) => {
    for (const [key, row] of Object.entries(draft.read(table)))
      if (test(row as Tables[K][string])) remove(draft, table, key);
  };
  if (kind === 'event') {
    remove(draft, 'events', id);
    dropWhere('sessions', (s) => s.eventId === id);
    dropWhere('channels', (c) => c.eventId === id);
    for (const key of Object.keys(draft.read('sessionMarks')))
      if (!(key in draft.read('sessions'))) remove(draft, 'sessionMarks', key);
  } else if (kind === 'channel') {
    dropWhere('messages', (m) => m.channelId === id);
    dropWhere('receipts', (r) => r.channelId === id);
  } else if (kind === 'user') {
    for (const table of [
      'rsvps',
      'roles',
      'bookmarks',
      'notes',
      'readStates',
      'mentions',
      'notifications',
    ] as const)
      for (const key of Object.keys(draft.read(table))) remove(draft, table, key);
    dropWhere('channels', (c) => c.eventId === null);
  }
}

export function splitScope(scope: string): [string, string | undefined] {
  const colon = scope.indexOf(':');
  return colon < 0 ? [scope, undefined] : [scope.slice(0, colon), scope.slice(colon + 1)];
}
