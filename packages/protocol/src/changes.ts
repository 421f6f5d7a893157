import { type Static, type TSchema, Type } from 'typebox';
import { Bookmark, Note, Session, SessionChangedForYou, SessionUpdatedData } from './agenda.ts';
import { Community, Member } from './community.ts';
import { Checkin, DoorStats, SessionAttendance } from './door.ts';
import { Achievement, LeaderboardChanged, PointsChanged, Team } from './engagement.ts';
import { Event, EventRoleGrant } from './event.ts';
import { Feedback } from './feedback.ts';
import { Form, FormSubmissionCounted } from './form.ts';
import { User } from './identity.ts';
import { Lead } from './lead.ts';
import { Channel, Mentioned, Message, ReactionsChanged, ReadState, ReceiptUpdated } from './messaging.ts';
import { AuditEntry, ModerationItem, Restriction } from './moderation.ts';
import { Connection } from './networking.ts';
import { Notification, NotificationsAllRead, NotificationUnread } from './notification.ts';
import { Ballot, Poll, PollResults } from './poll.ts';
import { Question, Upvote } from './question.ts';
import { Referral } from './referral.ts';
import { Rsvp } from './rsvp.ts';
import { Order, Ticket, TicketRevocation, TicketType } from './ticket.ts';

/**
 * The change catalogue: the one typed contract between a write (the server's change-log `append`)
 * and every reader (the realtime gateway, sync, the SDK's reducers). A change's `entity` names an
 * entry here, which fixes the kinds of scope the change may travel on and the schema of its `data`.
 * The JSON on the wire is unchanged: `scope` stays the string `kind:<id>`, `entity` the string name.
 */

/** A lower- or upper-case UUID (any version); the one copy of this pattern. */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const UUID_RE = new RegExp(UUID_PATTERN);
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/**
 * The kinds of scope a change travels on; `kind:<id>` on the wire. `session` carries a session's live
 * audience (polls opening and closing, visible questions); `poll` a poll's results, followed only by
 * those allowed to see them; `moderation` an event's moderator queue and audit (event staff only);
 * `door` an event's scans, revocations and door dashboard (organisers, staff and volunteers).
 */
export const SCOPE_KINDS = [
  'event',
  'user',
  'community',
  'channel',
  'session',
  'poll',
  'moderation',
  'door',
] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** A scope string of one kind, e.g. `Scope<'event'>` is `event:${string}`. */
export type Scope<K extends ScopeKind = ScopeKind> = `${K}:${string}`;

const scopeOf =
  <K extends ScopeKind>(kind: K) =>
  (id: string): Scope<K> =>
    `${kind}:${id}`;

/** Scope builders: `scopes.event(id)` → `'event:<id>'`. The only place a scope string is written. */
export const scopes = {
  event: scopeOf('event'),
  user: scopeOf('user'),
  community: scopeOf('community'),
  channel: scopeOf('channel'),
  session: scopeOf('session'),
  poll: scopeOf('poll'),
  /** `moderation:<eventId>`. */
  moderation: scopeOf('moderation'),
  /** `door:<eventId>`. */
  door: scopeOf('door'),
} as const satisfies { [K in ScopeKind]: (id: string) => Scope<K> };

/** A scope of one of `kinds` built from `kind` and `id` (for owners chosen at run time, e.g. forms). */
export function scopeFor<K extends ScopeKind>(kind: K, id: string): Scope<K> {
  return `${kind}:${id}`;
}

export interface ParsedScope<K extends ScopeKind = ScopeKind> {
  kind: K;
  /** The id as written (not normalised). */
  id: string;
}

/**
 * Parses `kind:<id>`; null unless the kind is known and the id is a UUID. `kinds` narrows which
 * kinds are accepted (e.g. a catalogue entry's).
 */
export function parseScope<K extends ScopeKind = ScopeKind>(
  scope: string,
  kinds: readonly K[] = SCOPE_KINDS as unknown as readonly K[],
): ParsedScope<K> | null {
  const colon = scope.indexOf(':');
  if (colon <= 0) return null;
  const kind = scope.slice(0, colon) as K;
  const id = scope.slice(colon + 1);
  if (!kinds.includes(kind) || !UUID_RE.test(id)) return null;
  return { kind, id };
}

export function isScopeKind(kind: string): kind is ScopeKind {
  return (SCOPE_KINDS as readonly string[]).includes(kind);
}

interface Entry<K extends ScopeKind, S extends TSchema> {
  scope: readonly K[];
  data: S;
}
const entry = <K extends ScopeKind, S extends TSchema>(scope: readonly K[], data: S): Entry<K, S> => ({
  scope,
  data,
});
const OrNull = <S extends TSchema>(s: S) => Type.Union([s, Type.Null()]);

/**
 * Entity name → scope kinds → data schema. A module adding a change entity adds one line here (and
 * bumps PROTOCOL_VERSION: the schema-hash test says how). `Type.Unknown()` marks data whose shape has
 * no protocol schema yet.
 */
export const changeCatalogue = {
  'identity.profileUpdated': entry(['user'], User),
  'identity.emailVerified': entry(['user'], User),
  'identity.sessionRevoked': entry(['user'], Type.Null()),
  'agenda.sessionCreated': entry(['event'], Session),
  'agenda.sessionUpdated': entry(['event'], SessionUpdatedData),
  'agenda.sessionCancelled': entry(['event'], Session),
  'agenda.sessionChangedForYou': entry(['user'], SessionChangedForYou),
  'agenda.bookmarkAdded': entry(['user'], Bookmark),
  'agenda.bookmarkRemoved': entry(['user'], Type.Null()),
  'agenda.noteSaved': entry(['user'], Note),
  // An inbox item, new or changed in place (grouped count, read); the badge; mark-all-read.
  'notifications.created': entry(['user'], Notification),
  'notifications.unreadChanged': entry(['user'], NotificationUnread),
  'notifications.allRead': entry(['user'], NotificationsAllRead),
  'events.eventCreated': entry(['event'], Event),
  'events.eventUpdated': entry(['event'], Event),
  'events.statusChanged': entry(['event'], Event),
  'events.roleChanged': entry(['user'], OrNull(EventRoleGrant)),
  'events.rsvpChanged': entry(['user'], OrNull(Rsvp)),
  'communities.communityCreated': entry(['community'], Community),
  'communities.communityVerified': entry(['community'], Community),
  'communities.memberAdded': entry(['community'], Member),
  'communities.memberRoleChanged': entry(['community'], Member),
  'communities.memberRemoved': entry(['community'], Type.Null()),
  'communities.membershipChanged': entry(['user'], OrNull(Community)),
  'leads.leadAssigned': entry(['user'], Lead),
  // A credit on the referrer's own scope when someone arrives with their code (whether it counts
  // is decided when read: verified, RSVP standing).
  'referrals.referralAttributed': entry(['user'], Referral),
  'messaging.channelCreated': entry(['event', 'user'], Channel),
  'messaging.messageSent': entry(['channel'], Message),
  'messaging.messageEdited': entry(['channel'], Message),
  'messaging.messageDeleted': entry(['channel'], Message),
  'messaging.reactionsChanged': entry(['channel'], ReactionsChanged),
  'messaging.receiptUpdated': entry(['channel'], ReceiptUpdated),
  'messaging.readStateChanged': entry(['user'], ReadState),
  'messaging.mentioned': entry(['user'], Mentioned),
  'forms.formChanged': entry(['event', 'community'], Form),
  'forms.submissionCounted': entry(['event', 'community'], FormSubmissionCounted),
  // Live audience (issue 13). A poll travels on its session once opened (drafts are the presenters'
  // own); its results on `poll:<id>`, at most one record per 250 ms with the full counts.
  'polls.pollChanged': entry(['session'], Poll),
  'polls.resultsChanged': entry(['poll'], PollResults),
  'polls.ballotSaved': entry(['user'], Ballot),
  // Questions as the audience sees them (the asker of an anonymous one left out); a question that is
  // hidden, deleted or still pending is an `op: 'delete'` here, so it disappears from every store.
  'questions.questionChanged': entry(['session'], Question),
  'questions.upvoteChanged': entry(['user'], Upvote),
  'feedback.feedbackSaved': entry(['user'], Feedback),
  // The moderator queue and audit of one event (`moderation:<eventId>`); a resolved item is a delete.
  'moderation.itemChanged': entry(['moderation'], ModerationItem),
  'moderation.actionRecorded': entry(['moderation'], AuditEntry),
  // A mute or ban of mine (data null when lifted; `id` is the event's).
  'moderation.restrictionChanged': entry(['user'], OrNull(Restriction)),
  // Tickets and the door (issue 14). Ticket types with their availability on the event (throttled
  // like poll results); orders and tickets on their buyer's and holder's `user:` scope.
  'tickets.ticketTypeChanged': entry(['event'], TicketType),
  'tickets.orderChanged': entry(['user'], Order),
  'tickets.ticketChanged': entry(['user'], Ticket),
  // Scanners' shared state on `door:<eventId>`: each recorded scan (an undo re-sends it with
  // `undoneAt`), each revoked ticket, and the dashboard at most every 500 ms.
  'checkin.checkinRecorded': entry(['door'], Checkin),
  'checkin.ticketRevoked': entry(['door'], TicketRevocation),
  'checkin.doorStatsChanged': entry(['door'], DoorStats),
  // Room occupancy of a session (F6), for its audience and the room's scanners.
  'checkin.attendanceChanged': entry(['session'], SessionAttendance),
  // Engagement (issue 16): my total at an event after each award or withdrawal; a tick on the
  // event at most once a second while its boards move (clients read the board again); teams.
  'engagement.pointsChanged': entry(['user'], PointsChanged),
  'engagement.leaderboardChanged': entry(['event'], LeaderboardChanged),
  'engagement.teamChanged': entry(['event'], Team),
  'engagement.achievementUnlocked': entry(['user'], Achievement),
  // A connection as each of the two sees it, on both people's `user:` scope; a delete when withdrawn,
  // declined (for the one who declined) or removed.
  'networking.connectionChanged': entry(['user'], Connection),
} as const;

export type ChangeCatalogue = typeof changeCatalogue;
export type ChangeEntity = keyof ChangeCatalogue;
export const CHANGE_ENTITIES = Object.keys(changeCatalogue) as ChangeEntity[];
export const isChangeEntity = (entity: string): entity is ChangeEntity =>
  Object.hasOwn(changeCatalogue, entity);

type ModuleOf<E extends string> = E extends `${infer M}.${string}` ? M : never;
/** Entity names by module: `{ events: { eventUpdated: 'events.eventUpdated' }, … }`. */
export type ChangeEntityNames = {
  [M in ModuleOf<ChangeEntity>]: { [E in ChangeEntity as E extends `${M}.${infer N}` ? N : never]: E };
};

/**
 * The entity names as constants: writers and readers outside this package write
 * `entities.events.eventUpdated`, never the string, so a rename is one edit here and tsc finds
 * every use (the catalogue-usage test fails on a name written as a string elsewhere).
 */
export const entities: ChangeEntityNames = (() => {
  const byModule: Record<string, Record<string, string>> = {};
  for (const entity of CHANGE_ENTITIES) {
    const dot = entity.indexOf('.');
    byModule[entity.slice(0, dot)] ??= {};
    byModule[entity.slice(0, dot)]![entity.slice(dot + 1)] = entity;
  }
  return byModule as ChangeEntityNames;
})();

/** The data of one entity's changes. */
export type ChangeData<E extends ChangeEntity> = Static<ChangeCatalogue[E]['data']>;
/** The scope kinds of one entity's changes. */
export type ChangeScopeKind<E extends ChangeEntity> = ChangeCatalogue[E]['scope'][number];

/**
 * What a writer hands the change log, typed by entity: `data` must be of the entity's schema and
 * `scope` of one of its kinds (checked by tsc). A distributive union so a literal narrows by entity.
 */
export type TypedChangeInput = {
  [E in ChangeEntity]: {
    scope: Scope<ChangeScopeKind<E>>;
    entity: E;
    op: 'upsert' | 'delete';
    id: string;
    data: ChangeData<E>;
    actorId?: string | null;
  };
}[ChangeEntity];

/** A change as a reader receives it, narrowed by `entity`. */
export type TypedChange = {
  [E in ChangeEntity]: {
    scope: Scope<ChangeScopeKind<E>>;
    seq: number;
    entity: E;
    op: 'upsert' | 'delete';
    id: string;
    data: ChangeData<E>;
    at: string;
  };
}[ChangeEntity];
