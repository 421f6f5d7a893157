import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';

/** Moderation (PRODUCT K1–K3): filters, reports, one queue per event, actions, audit. */
export const ModerationTargetType = Type.Union([
  Type.Literal('message'),
  Type.Literal('question'),
  Type.Literal('user'),
  Type.Literal('post'),
  Type.Literal('word'),
  /** A points ledger line a moderator voided (issue 16). */
  Type.Literal('points'),
]);
export type ModerationTargetType = Static<typeof ModerationTargetType>;

export const ModerationActionKind = Type.Union([
  Type.Literal('hide'),
  Type.Literal('delete'),
  Type.Literal('restore'),
  Type.Literal('mute'),
  Type.Literal('unmute'),
  Type.Literal('ban'),
  Type.Literal('unban'),
  Type.Literal('dismiss'),
  Type.Literal('approve'),
]);
export type ModerationActionKind = Static<typeof ModerationActionKind>;

export const ReportBody = Type.Object(
  {
    targetType: Type.Union([
      Type.Literal('message'),
      Type.Literal('question'),
      Type.Literal('user'),
      Type.Literal('post'),
    ]),
    targetId: Id,
    /** Reports on a user name the event they are reported in. */
    eventId: Type.Optional(Id),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;

/** Why an item is in the queue: reported by people, held by a filter, or waiting for pre-moderation. */
export const QueueReason = Type.Union([
  Type.Literal('reported'),
  Type.Literal('filtered'),
  Type.Literal('premoderation'),
]);
export type QueueReason = Static<typeof QueueReason>;

export const ModerationItem = Type.Object({
  id: Id,
  eventId: Id,
  targetType: ModerationTargetType,
  targetId: Id,
  reason: QueueReason,
  /** The text as it was written (moderators see it whole), or null for a user. */
  excerpt: Type.Union([Type.String(), Type.Null()]),
  author: Type.Union([Type.Object({ id: Id, name: Type.String() }), Type.Null()]),
  /** Filter hits (e.g. `profanity`, `links`, `repeated`, `blockedWord`) and report reasons. */
  flags: Type.Array(Type.String()),
  reports: Type.Integer(),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ModerationItem = Static<typeof ModerationItem>;

export const ModerationQueue = Type.Object({ items: Type.Array(ModerationItem) });
export type ModerationQueue = Static<typeof ModerationQueue>;

export const ModerationActionBody = Type.Object(
  {
    targetType: ModerationTargetType,
    targetId: Id,
    action: ModerationActionKind,
    /** The event acted in (required for users and words; read from the target otherwise). */
    eventId: Type.Optional(Id),
    /** Mutes: until when (at most 30 days ahead). */
    until: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ModerationActionBody = Static<typeof ModerationActionBody>;

/** Bulk: up to 100 actions, each applied or refused on its own. */
export const BulkModerationBody = Type.Object(
  { actions: Type.Array(ModerationActionBody, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);
export type BulkModerationBody = Static<typeof BulkModerationBody>;

/** Who did what, when and why: organisers read the audit log. */
export const AuditEntry = Type.Object({
  id: Id,
  eventId: Id,
  actor: Type.Union([Type.Object({ id: Id, name: Type.String() }), Type.Null()]),
  /** `automatic` for a filter's own action (a flood mute, a held text). */
  source: Type.Union([Type.Literal('moderator'), Type.Literal('automatic')]),
  action: Type.String(),
  targetType: ModerationTargetType,
  targetId: Id,
  reason: Type.Union([Type.String(), Type.Null()]),
  until: Type.Union([Timestamp, Type.Null()]),
  at: Timestamp,
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type AuditPage = Static<typeof AuditPage>;

export const ModerationSettings = Type.Object(
  {
    filters: Type.Object(
      {
        profanity: Type.Boolean(),
        links: Type.Boolean(),
        flood: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    blockedWords: Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 500 }),
    /** Words the profanity filter lets through (e.g. a place name). */
    allowedWords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 500 })),
    qnaPremoderation: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ModerationSettings = Static<typeof ModerationSettings>;

/** A person's standing in an event, on their own `user:<id>` scope so their app can say why. */
export const Restriction = Type.Object({
  eventId: Id,
  kind: Type.Union([Type.Literal('mute'), Type.Literal('ban')]),
  until: Type.Union([Timestamp, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type Restriction = Static<typeof Restriction>;

/** Each bulk action's answer, in the order given: its audit entry, or why it was refused. */
export const BulkModerationOutcome = Type.Union([
  Type.Object({ ok: Type.Literal(true), entry: AuditEntry }),
  Type.Object({
    ok: Type.Literal(false),
    status: Type.Integer(),
    code: Type.String(),
    message: Type.String(),
  }),
]);
export type BulkModerationOutcome = Static<typeof BulkModerationOutcome>;

export const BulkModerationResult = Type.Object({ results: Type.Array(BulkModerationOutcome) });
export type BulkModerationResult = Static<typeof BulkModerationResult>;

export const ModerationQueueQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type ModerationQueueQuery = Static<typeof ModerationQueueQuery>;

export const AuditQuery = Type.Object(
  { cursor: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
