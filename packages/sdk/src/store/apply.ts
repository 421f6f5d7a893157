import {
  type Change,
  type ChangeEntity,
  changeCatalogue,
  type Event,
  entities,
  isChangeEntity,
  type Message,
  type PollResults,
  parseScope,
  type Question,
  type Session,
  type SessionUpdatedData,
  type TypedChange,
  type User,
} from '@muster/protocol';
import { isNotificationRecord, noticedSession } from './shapes.ts';
import type { Draft, TableName, Tables } from './tables.ts';

/** Why a change record was not applied: see `applyChange`. */
export type UnreadableReason = 'unknown_entity' | 'wrong_scope' | 'invalid_data';

export interface ApplyContext {
  /** The signed-in user: their own reactions are tracked in `myReactions`. */
  userId: string;
  /** Called for `identity.profileUpdated` of the signed-in user. */
  onProfile?: (user: User) => void;
  /** Called for a record the SDK cannot read (a newer server's entity, say); its cursor still advances. */
  onUnreadable?: (change: Change, reason: UnreadableReason) => void;
}

/** The change records of one entity, with `data` of that entity's schema. */
type ChangeOf<E extends ChangeEntity> = Extract<TypedChange, { entity: E }>;
type Reducer<E extends ChangeEntity> = (draft: Draft, change: ChangeOf<E>, ctx: ApplyContext) => void;

/**
 * An entity whose records the SDK does not keep locally: the reason is the value, so the table
 * below says why, and its records still advance the scope's cursor.
 */
type Ignored = { ignored: string };
const ignored = (why: string): Ignored => ({ ignored: why });

/** Newer-or-equal by ISO timestamp: a row fed by two scopes never goes back in time. */
const notOlder = (next: string | null | undefined, current: string | null | undefined) =>
  !current || !next || next >= current;

function put<K extends TableName>(draft: Draft, table: K, id: string, row: Tables[K][string]) {
  // Object.assign: tsc cannot write through a table type that is generic in `K`; `row` is checked above.
  Object.assign(draft.write(table), { [id]: row });
}

function remove(draft: Draft, table: TableName, id: string) {
  if (id in draft.read(table)) delete draft.write(table)[id];
}

function upsertEvent(draft: Draft, event: Event) {
  if (notOlder(event.updatedAt, draft.read('events')[event.id]?.updatedAt))
    put(draft, 'events', event.id, event);
}

function upsertSession(draft: Draft, session: Session) {
  if (notOlder(session.updatedAt, draft.read('sessions')[session.id]?.updatedAt))
    put(draft, 'sessions', session.id, session);
}

/** The session of an `agenda.sessionUpdated` record, without its list of changed fields. */
function sessionOf({ changed: _changed, ...session }: SessionUpdatedData): Session {
  return session;
}

function upsertMessage(draft: Draft, message: Message) {
  const current = draft.read('messages')[message.id];
  // Change records carry no `myReactions`: keep what we know of our own.
  const mine = message.myReactions ?? current?.myReactions;
  put(draft, 'messages', message.id, mine ? { ...message, myReactions: mine } : message);
}

export function upsertResults(draft: Draft, results: PollResults) {
  if (notOlder(results.at, draft.read('pollResults')[results.pollId]?.at))
    put(draft, 'pollResults', results.pollId, results);
}

/**
 * Change records carry no `upvotedByMe`, and name nobody as the asker of an anonymous question:
 * keep what we know (only the asker and moderators ever held that name, from their own answers).
 */
export function upsertQuestion(draft: Draft, question: Question) {
  const current = draft.read('questions')[question.id];
  const mine = question.upvotedByMe ?? draft.read('upvotes')[question.id]?.upvoted;
  const asker = question.asker ?? current?.asker ?? null;
  put(draft, 'questions', question.id, {
    ...question,
    asker,
    ...(mine === undefined ? {} : { upvotedByMe: mine }),
  });
}

/**
 * How each change entity updates the tables. Every catalogue entity has an entry (tsc fails when
 * the catalogue gains one nobody decided about): a reducer, or `ignored` with the reason.
 */
const reducers: { [E in ChangeEntity]: Reducer<E> | Ignored } = {
  [entities.events.eventCreated]: (d, c) => upsertEvent(d, c.data),
  [entities.events.eventUpdated]: (d, c) => upsertEvent(d, c.data),
  [entities.events.statusChanged]: (d, c) => upsertEvent(d, c.data),
  [entities.events.rsvpChanged]: (d, c) =>
    c.op === 'delete' || !c.data ? remove(d, 'rsvps', c.id) : put(d, 'rsvps', c.id, c.data),
  [entities.events.roleChanged]: (d, c) =>
    c.op === 'delete' || !c.data ? remove(d, 'roles', c.id) : put(d, 'roles', c.id, c.data),
  [entities.agenda.sessionCreated]: (d, c) => upsertSession(d, c.data),
  [entities.agenda.sessionCancelled]: (d, c) => upsertSession(d, c.data),
  [entities.agenda.sessionUpdated]: (d, c) => {
    upsertSession(d, sessionOf(c.data));
    put(d, 'sessionMarks', c.id, { changed: c.data.changed, at: c.at });
  },
  // A personal notice about a session on my schedule; the session itself is fresher or equal.
  [entities.agenda.sessionChangedForYou]: (d, c, ctx) => {
    const session = noticedSession(c.data);
    if (!session) return ctx.onUnreadable?.(c, 'invalid_data');
    if (session.id in d.read('sessions')) upsertSession(d, session);
  },
  [entities.agenda.bookmarkAdded]: (d, c) => put(d, 'bookmarks', c.id, c.data),
  [entities.agenda.bookmarkRemoved]: (d, c) => remove(d, 'bookmarks', c.id),
  [entities.agenda.noteSaved]: (d, c) => put(d, 'notes', c.id, c.data),
  [entities.messaging.channelCreated]: (d, c) => put(d, 'channels', c.id, c.data),
  [entities.messaging.messageSent]: (d, c) => upsertMessage(d, c.data),
  [entities.messaging.messageEdited]: (d, c) => upsertMessage(d, c.data),
  [entities.messaging.messageDeleted]: (d, c) => upsertMessage(d, { ...c.data, myReactions: [] }),
  [entities.messaging.reactionsChanged]: (d, { data }, ctx) => {
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
  [entities.messaging.readStateChanged]: (d, c) => put(d, 'readStates', c.id, c.data),
  [entities.messaging.receiptUpdated]: (d, { data }) =>
    put(d, 'receipts', `${data.channelId}:${data.userId}`, data),
  [entities.messaging.mentioned]: (d, c) => put(d, 'mentions', c.id, c.data),
  [entities.notifications.created]: (d, c, ctx) =>
    isNotificationRecord(c.data)
      ? put(d, 'notifications', c.id, c.data)
      : ctx.onUnreadable?.(c, 'invalid_data'),
  [entities.notifications.unreadChanged]: (d, c) => put(d, 'notificationBadge', c.id, c.data),
  [entities.notifications.allRead]: (d, { data }) => {
    for (const [id, item] of Object.entries(d.read('notifications')))
      if (!item.readAt && item.createdAt <= data.upTo)
        put(d, 'notifications', id, { ...item, readAt: data.readAt });
  },
  [entities.identity.profileUpdated]: (_d, c, ctx) => {
    if (c.id === ctx.userId) ctx.onProfile?.(c.data);
  },
  [entities.identity.emailVerified]: ignored('the profile is what the app shows; profileUpdated carries it'),
  [entities.identity.sessionRevoked]: ignored('the server ends the session; the next refresh signs out'),
  [entities.communities.communityCreated]: ignored('communities are read over REST, not kept locally'),
  [entities.communities.communityVerified]: ignored('communities are read over REST, not kept locally'),
  [entities.communities.memberAdded]: ignored('communities are read over REST, not kept locally'),
  [entities.communities.memberRoleChanged]: ignored('communities are read over REST, not kept locally'),
  [entities.communities.memberRemoved]: ignored('communities are read over REST, not kept locally'),
  [entities.communities.membershipChanged]: ignored('communities are read over REST, not kept locally'),
  [entities.leads.leadAssigned]: ignored('leads are an organiser tool read over REST'),
  [entities.referrals.referralAttributed]: ignored('the referral ledger is read over REST when opened'),
  [entities.polls.pollChanged]: (d, c) => put(d, 'polls', c.id, c.data),
  // Full counts, pushed at most every 250 ms and also read by REST: the newest `at` wins.
  [entities.polls.resultsChanged]: (d, c) => upsertResults(d, c.data),
  [entities.polls.ballotSaved]: (d, c) => put(d, 'ballots', c.data.pollId, c.data),
  [entities.questions.questionChanged]: (d, c) =>
    c.op === 'delete' ? remove(d, 'questions', c.id) : upsertQuestion(d, c.data),
  [entities.questions.upvoteChanged]: (d, c) => {
    put(d, 'upvotes', c.data.questionId, c.data);
    const question = d.read('questions')[c.data.questionId];
    if (question) put(d, 'questions', question.id, { ...question, upvotedByMe: c.data.upvoted });
  },
  [entities.feedback.feedbackSaved]: (d, c) => put(d, 'feedback', c.data.sessionId, c.data),
  [entities.moderation.itemChanged]: (d, c) =>
    c.op === 'delete' || c.data.status === 'resolved'
      ? remove(d, 'moderationItems', c.id)
      : put(d, 'moderationItems', c.id, c.data),
  [entities.moderation.actionRecorded]: ignored('the audit log is read over REST when opened'),
  [entities.moderation.restrictionChanged]: (d, c) =>
    c.op === 'delete' || !c.data
      ? remove(d, 'restrictions', c.id)
      : put(d, 'restrictions', c.data.eventId, c.data),
  [entities.tickets.ticketTypeChanged]: (d, c) =>
    c.op === 'delete' ? remove(d, 'ticketTypes', c.id) : put(d, 'ticketTypes', c.id, c.data),
  [entities.tickets.orderChanged]: (d, c) => put(d, 'orders', c.id, c.data),
  [entities.tickets.ticketChanged]: (d, c) =>
    c.op === 'delete' ? remove(d, 'tickets', c.id) : put(d, 'tickets', c.id, c.data),
  [entities.checkin.checkinRecorded]: (d, c) => put(d, 'checkins', c.id, c.data),
  [entities.checkin.ticketRevoked]: (d, c) => put(d, 'revocations', c.data.ticketId, c.data),
  [entities.checkin.doorStatsChanged]: (d, c) => {
    if (notOlder(c.data.at, d.read('doorStats')[c.data.eventId]?.at))
      put(d, 'doorStats', c.data.eventId, c.data);
  },
  [entities.checkin.attendanceChanged]: (d, c) => put(d, 'attendance', c.data.sessionId, c.data),
  [entities.engagement.pointsChanged]: (d, c) => put(d, 'points', c.data.eventId, c.data),
  [entities.engagement.teamChanged]: (d, c) =>
    c.op === 'delete' ? remove(d, 'teams', c.id) : put(d, 'teams', c.id, c.data),
  [entities.engagement.leaderboardChanged]: (d, c) => {
    if (notOlder(c.data.changedAt, d.read('boardTicks')[c.data.eventId]?.changedAt))
      put(d, 'boardTicks', c.data.eventId, c.data);
  },
  [entities.engagement.achievementUnlocked]: (d, c) => put(d, 'achievements', c.id, c.data),
  [entities.networking.connectionChanged]: (d, c) =>
    c.op === 'delete' ? remove(d, 'connections', c.id) : put(d, 'connections', c.id, c.data),
  [entities.forms.formChanged]: ignored('forms are read over REST when opened'),
  [entities.forms.submissionCounted]: ignored('submission counts are read over REST when opened'),
};

/**
 * The catalogue's reading of a wire record: an entity it knows, on one of that entity's scope
 * kinds. Its `data` is then trusted to be of the entity's schema: the catalogue is the contract the
 * server's writers are typed against (`TypedChangeInput`); it is not validated again here.
 */
function isTypedChange(change: Change): change is TypedChange {
  return (
    isChangeEntity(change.entity) && parseScope(change.scope, changeCatalogue[change.entity].scope) !== null
  );
}

/** Runs the entity's reducer; generic in the entity so that reducer and record are of one entity. */
function reduce<E extends ChangeEntity>(entity: E, draft: Draft, change: ChangeOf<E>, ctx: ApplyContext) {
  const reducer = reducers[entity];
  if (typeof reducer === 'function') reducer(draft, change, ctx);
}

/**
 * Applies one change record. Records are full-state upserts, so applying one twice is harmless. A
 * record the SDK cannot read is reported through `ctx.onUnreadable`, never silently dropped.
 */
export function applyChange(draft: Draft, change: Change, ctx: ApplyContext): void {
  if (isTypedChange(change)) reduce(change.entity, draft, change, ctx);
  else ctx.onUnreadable?.(change, isChangeEntity(change.entity) ? 'wrong_scope' : 'unknown_entity');
}

/**
 * Forgets what a scope brought, before it is reloaded after `reset`: everything of an event
 * (sessions, channels), a channel's messages and receipts, or the user's personal tables.
 */
export function dropScope(draft: Draft, scope: string): void {
  const parsed = parseScope(scope);
  if (!parsed) return;
  const { kind, id } = parsed;
  const dropWhere = <K extends TableName>(table: K, test: (row: Tables[K][string]) => boolean) => {
    const rows: Tables[K] = draft.read(table);
    for (const [key, row] of Object.entries(rows)) if (test(row)) remove(draft, table, key);
  };
  if (kind === 'event') {
    remove(draft, 'events', id);
    dropWhere('ticketTypes', (t) => t.eventId === id);
    dropWhere('sessions', (s) => s.eventId === id);
    dropWhere('channels', (c) => c.eventId === id);
    dropWhere('teams', (t) => t.eventId === id);
    remove(draft, 'boardTicks', id);
    for (const key of Object.keys(draft.read('sessionMarks')))
      if (!(key in draft.read('sessions'))) remove(draft, 'sessionMarks', key);
  } else if (kind === 'channel') {
    dropWhere('messages', (m) => m.channelId === id);
    dropWhere('receipts', (r) => r.channelId === id);
  } else if (kind === 'session') {
    dropWhere('polls', (p) => p.sessionId === id);
    dropWhere('questions', (q) => q.sessionId === id);
    remove(draft, 'attendance', id);
    for (const key of Object.keys(draft.read('pollResults')))
      if (!(key in draft.read('polls'))) remove(draft, 'pollResults', key);
  } else if (kind === 'poll') {
    remove(draft, 'pollResults', id);
  } else if (kind === 'moderation') {
    dropWhere('moderationItems', (item) => item.eventId === id);
  } else if (kind === 'door') {
    dropWhere('checkins', (row) => row.eventId === id);
    dropWhere('revocations', (row) => row.eventId === id);
    remove(draft, 'doorStats', id);
  } else if (kind === 'user') {
    for (const table of [
      'rsvps',
      'roles',
      'bookmarks',
      'notes',
      'readStates',
      'mentions',
      'notifications',
      'notificationBadge',
      'ballots',
      'upvotes',
      'feedback',
      'restrictions',
      'orders',
      'tickets',
      'points',
      'connections',
      'achievements',
    ] as const)
      for (const key of Object.keys(draft.read(table))) remove(draft, table, key);
    dropWhere('channels', (c) => c.eventId === null);
  }
}
