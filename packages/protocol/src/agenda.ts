import { type Static, Type } from 'typebox';
import { HeadedPage, Id, LongText, Page, PatchOf, Tag, Timestamp } from './common.ts';
import { scheduledFields } from './scheduled.ts';

export const Session = Type.Object({
  id: Id,
  eventId: Id,
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  startsAt: Timestamp,
  endsAt: Timestamp,
  room: Type.Union([Type.String(), Type.Null()]),
  track: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  speakerIds: Type.Array(Id),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  cancelled: Type.Boolean(),
  updatedAt: Timestamp,
});
export type Session = Static<typeof Session>;

const sessionFields = {
  ...scheduledFields,
  room: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 120 }), Type.Null()])),
  track: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 120 }), Type.Null()])),
  tags: Type.Optional(Type.Array(Tag, { maxItems: 20, uniqueItems: true })),
  speakerIds: Type.Optional(Type.Array(Id, { maxItems: 20, uniqueItems: true })),
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.Null()])),
};

export const CreateSessionBody = Type.Object(sessionFields, { additionalProperties: false });
export type CreateSessionBody = Static<typeof CreateSessionBody>;

export const UpdateSessionBody = PatchOf(sessionFields);
export type UpdateSessionBody = Static<typeof UpdateSessionBody>;

export const AgendaChange = Type.Object({
  id: Id,
  sessionId: Id,
  actorId: Type.Union([Id, Type.Null()]),
  kind: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('cancelled')]),
  at: Timestamp,
  before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AgendaChange = Static<typeof AgendaChange>;

export const ScheduleItem = Type.Object({
  session: Session,
  /** Ids of other bookmarked sessions that overlap this one in time. */
  conflictsWith: Type.Array(Id),
});
export type ScheduleItem = Static<typeof ScheduleItem>;

/**
 * Sessions of my schedule that overlap, directly or through each other (a chain 9:00–10:00,
 * 9:30–11:00, 10:30–12:00 is one group), in time order; `startsAt`/`endsAt` span the group. Groups
 * keep the answer linear in the schedule's size, where every overlapping pair would be quadratic.
 */
export const ConflictGroup = Type.Object({
  sessionIds: Type.Array(Id, { minItems: 2 }),
  startsAt: Timestamp,
  endsAt: Timestamp,
});
export type ConflictGroup = Static<typeof ConflictGroup>;

export const ScheduleEntry = Type.Object({
  session: Session,
  /** Index in `conflictGroups` of the group this session belongs to; null when it overlaps nothing. */
  conflictGroup: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  /** How many other sessions of the schedule overlap this one in time. */
  overlaps: Type.Integer({ minimum: 0 }),
});
export type ScheduleEntry = Static<typeof ScheduleEntry>;

/** My schedule (at most 1,000 sessions, 200 per event): bookmarked, not cancelled, in time order. */
export const Schedule = Type.Object({
  items: Type.Array(ScheduleEntry),
  conflictGroups: Type.Array(ConflictGroup),
});
export type Schedule = Static<typeof Schedule>;

export const Note = Type.Object({
  sessionId: Id,
  body: Type.String(),
  updatedAt: Type.Union([Timestamp, Type.Null()]),
});
export type Note = Static<typeof Note>;

export const PutNoteBody = Type.Object({ body: LongText(20_000) }, { additionalProperties: false });
export type PutNoteBody = Static<typeof PutNoteBody>;

export const CalendarToken = Type.Object({ token: Type.String(), url: Type.String() });
export type CalendarToken = Static<typeof CalendarToken>;

/**
 * The agenda of an event, one page at a time (`nextCursor`): every session, cancelled ones included as
 * tombstones (`cancelled: true`), ordered by start then room. `head` is the `event:<id>` seq this snapshot is at least as new as:
 * follow the scope from there (re-applying a change the snapshot already holds is harmless).
 */
/** Agenda pages are larger than other lists' (default 200, at most 500): most agendas fit one page. */
export const AgendaQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type AgendaQuery = Static<typeof AgendaQuery>;

export const Agenda = HeadedPage(Session);
export type Agenda = Static<typeof Agenda>;

export const AgendaHistory = Page(AgendaChange);
export type AgendaHistory = Static<typeof AgendaHistory>;

/** `data` of an `agenda.sessionUpdated` change: the whole session plus the names of the fields that changed. */
export const SessionUpdatedData = Type.Object({ ...Session.properties, changed: Type.Array(Type.String()) });
export type SessionUpdatedData = Static<typeof SessionUpdatedData>;

/**
 * `data` of an `agenda.sessionChangedForYou` change on `user:<id>` (the change id is the session
 * id): a session someone bookmarked or whose event they RSVP'd to moved, was renamed or cancelled.
 * `before` holds the changed fields' earlier values.
 */
export const SessionChangedForYou = Type.Object({
  eventId: Id,
  sessionId: Id,
  kind: Type.Union([Type.Literal('updated'), Type.Literal('cancelled')]),
  changed: Type.Array(Type.String()),
  before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  session: Session,
  bookmarked: Type.Boolean(),
});
export type SessionChangedForYou = Static<typeof SessionChangedForYou>;

/** `data` of an `agenda.bookmarkAdded` change on `user:<id>` (the change id is the session id). */
export const Bookmark = Type.Object({ sessionId: Id, eventId: Id, createdAt: Timestamp });
export type Bookmark = Static<typeof Bookmark>;

/** The secret of a subscribable schedule feed travels in the URL, since calendar apps send no headers. */
export const CalendarFeedQuery = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export type CalendarFeedQuery = Static<typeof CalendarFeedQuery>;
