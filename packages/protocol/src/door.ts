import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';
import { MAX_TICKET_CODE_LENGTH } from './ticket-code.ts';

/**
 * The door (PRODUCT F4–F6). Scanners (organisers, staff, volunteers) post scans, each with a
 * client-made `scanId` so a scan uploaded twice is applied once; offline scanners upload their queue
 * in one batch. A ticket admitted twice (two doors offline, or a scan while it was inside) keeps both
 * scans and is flagged as a conflict. Door records travel on `door:<eventId>`, followed by scanners.
 */
export const MAX_CHECKIN_BATCH = 500;

/** A door's name as the scanner set it ("North", "Hall B"). */
export const DoorId = Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\p{L}\\p{N} _.\\-]+$' });

export const CheckinDirection = Type.Union([Type.Literal('in'), Type.Literal('out')]);
export type CheckinDirection = Static<typeof CheckinDirection>;

/** One scan: the code read (`qr`) or a ticket picked by hand (`ticketId`, staff only), exactly one. */
export const CheckinBody = Type.Object(
  {
    qr: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_TICKET_CODE_LENGTH })),
    ticketId: Type.Optional(Id),
    doorId: Type.Optional(DoorId),
    scanId: Id,
    scannedAt: Timestamp,
    direction: Type.Optional(CheckinDirection),
    /** Set by a scanner that admitted the ticket on its own while offline (its local verdict). */
    offlineVerdict: Type.Optional(Type.Union([Type.Literal('admitted'), Type.Literal('refused')])),
  },
  { additionalProperties: false },
);
export type CheckinBody = Static<typeof CheckinBody>;

export const CheckinOutcome = Type.Union([
  Type.Literal('admitted'),
  Type.Literal('already_checked_in'),
  Type.Literal('exited'),
  Type.Literal('invalid'),
  Type.Literal('void'),
  /** Batch only: this item was malformed; the others were applied. */
  Type.Literal('rejected'),
]);
export type CheckinOutcome = Static<typeof CheckinOutcome>;

/** What a scanner shows for a ticket (never more than the door needs). */
export const TicketAtDoor = Type.Object({
  id: Id,
  holderName: Type.String(),
  ticketTypeName: Type.String(),
  status: Type.Union([Type.Literal('valid'), Type.Literal('void')]),
  checkedIn: Type.Boolean(),
});
export type TicketAtDoor = Static<typeof TicketAtDoor>;

export const CheckinResult = Type.Object({
  scanId: Type.Union([Id, Type.Null()]),
  result: CheckinOutcome,
  checkinId: Type.Union([Id, Type.Null()]),
  ticket: Type.Union([TicketAtDoor, Type.Null()]),
  /** For `already_checked_in` and conflicts: the admission that came first. */
  firstCheckin: Type.Union([
    Type.Object({ at: Timestamp, doorId: Type.Union([Type.String(), Type.Null()]) }),
    Type.Null(),
  ]),
  /** This scan admitted a ticket that another scan had already admitted (flagged, both kept). */
  conflict: Type.Boolean(),
  /** `rejected` items: what was wrong. */
  error: Type.Optional(Type.String()),
});
export type CheckinResult = Static<typeof CheckinResult>;

/** Offline uploads. Items are checked one by one, so one malformed scan never fails the others. */
export const CheckinBatchBody = Type.Object(
  { scans: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_CHECKIN_BATCH }) },
  { additionalProperties: false },
);
export type CheckinBatchBody = Static<typeof CheckinBatchBody>;

export const CheckinBatchResult = Type.Object({ results: Type.Array(CheckinResult) });
export type CheckinBatchResult = Static<typeof CheckinBatchResult>;

/** A recorded scan, as door followers receive it (`checkin.checkinRecorded`); undo sets `undoneAt`. */
export const Checkin = Type.Object({
  id: Id,
  eventId: Id,
  ticketId: Id,
  scanId: Id,
  doorId: Type.Union([Type.String(), Type.Null()]),
  direction: CheckinDirection,
  result: CheckinOutcome,
  conflict: Type.Boolean(),
  holderName: Type.String(),
  scannedAt: Timestamp,
  recordedAt: Timestamp,
  byUserId: Id,
  undoneAt: Type.Union([Timestamp, Type.Null()]),
});
export type Checkin = Static<typeof Checkin>;

/** `GET /events/:id/tickets?q=`: staff search by holder name, order id or ticket id. */
export const TicketSearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 120 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  },
  { additionalProperties: false },
);
export type TicketSearchQuery = Static<typeof TicketSearchQuery>;
export const TicketSearchResult = Type.Object({ items: Type.Array(TicketAtDoor) });
export type TicketSearchResult = Static<typeof TicketSearchResult>;

export const DoorConflict = Type.Object({
  ticketId: Id,
  holderName: Type.String(),
  checkins: Type.Array(
    Type.Object({ id: Id, doorId: Type.Union([Type.String(), Type.Null()]), scannedAt: Timestamp }),
  ),
});
export type DoorConflict = Static<typeof DoorConflict>;

/** The live door dashboard (`GET /events/:id/door`, and `checkin.doorStatsChanged` on `door:<eventId>`). */
export const DoorStats = Type.Object({
  eventId: Id,
  /** Tickets inside or through (admitted and not undone). */
  checkedIn: Type.Integer(),
  /** Valid tickets issued. */
  expected: Type.Integer(),
  perDoor: Type.Array(
    Type.Object({
      doorId: Type.Union([Type.String(), Type.Null()]),
      count: Type.Integer(),
      perMinute: Type.Integer(),
    }),
  ),
  conflicts: Type.Array(DoorConflict),
  /** Admissions per minute over time (minute start → count), oldest first, at most the last 6 hours. */
  curve: Type.Array(Type.Object({ minute: Timestamp, count: Type.Integer() })),
  at: Timestamp,
});
export type DoorStats = Static<typeof DoorStats>;

/** `POST /sessions/:id/checkins`: room attendance (F6). */
export const SessionCheckinBody = Type.Object(
  {
    qr: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_TICKET_CODE_LENGTH })),
    ticketId: Type.Optional(Id),
    scanId: Id,
    direction: Type.Optional(CheckinDirection),
  },
  { additionalProperties: false },
);
export type SessionCheckinBody = Static<typeof SessionCheckinBody>;

/** Occupancy of a session's room, on `session:<id>` (`checkin.attendanceChanged`). */
export const SessionAttendance = Type.Object({
  sessionId: Id,
  /** In the room now (entries minus exits). */
  present: Type.Integer(),
  /** Distinct people who attended at all. */
  attended: Type.Integer(),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  full: Type.Boolean(),
});
export type SessionAttendance = Static<typeof SessionAttendance>;

export const SessionCheckinResult = Type.Object({
  result: Type.Union([
    Type.Literal('admitted'),
    Type.Literal('exited'),
    Type.Literal('already_checked_in'),
    Type.Literal('invalid'),
    Type.Literal('void'),
    Type.Literal('full'),
  ]),
  attendance: SessionAttendance,
  ticket: Type.Union([TicketAtDoor, Type.Null()]),
});
export type SessionCheckinResult = Static<typeof SessionCheckinResult>;

export const BadgeQuery = Type.Object(
  { size: Type.Optional(Type.Union([Type.Literal('A4'), Type.Literal('A6')])) },
  { additionalProperties: false },
);
export type BadgeQuery = Static<typeof BadgeQuery>;
