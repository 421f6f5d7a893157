import { type Static, Type } from 'typebox';
import { Email, Id, Page, Timestamp } from './common.ts';

/** The sales pipeline; `won` and `lost` end it (follow-up mail stops there). */
export const LeadStage = Type.Union([
  Type.Literal('new'),
  Type.Literal('contacted'),
  Type.Literal('qualified'),
  Type.Literal('won'),
  Type.Literal('lost'),
]);
export type LeadStage = Static<typeof LeadStage>;

export const LeadSourceKind = Type.Union([
  Type.Literal('form'),
  Type.Literal('event'),
  Type.Literal('referral'),
  Type.Literal('rep'),
]);
export type LeadSourceKind = Static<typeof LeadSourceKind>;

/** Where a lead came from; a lead collects one per submission, registration or referral. */
export const LeadSource = Type.Object({
  kind: LeadSourceKind,
  eventId: Type.Union([Id, Type.Null()]),
  formId: Type.Union([Id, Type.Null()]),
  submissionId: Type.Union([Id, Type.Null()]),
  referralCode: Type.Union([Type.String(), Type.Null()]),
  repId: Type.Union([Id, Type.Null()]),
  at: Timestamp,
});
export type LeadSource = Static<typeof LeadSource>;

/** One rule of the score: what was counted, how often, and the points it gave (after its cap). */
export const ScoreItem = Type.Object({
  signal: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  pointsEach: Type.Integer(),
  points: Type.Integer(),
});
export type ScoreItem = Static<typeof ScoreItem>;

export const Lead = Type.Object({
  id: Id,
  communityId: Id,
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  stage: LeadStage,
  assigneeId: Type.Union([Id, Type.Null()]),
  score: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Lead = Static<typeof Lead>;

export const LeadNote = Type.Object({
  id: Id,
  authorId: Id,
  body: Type.String(),
  createdAt: Timestamp,
});
export type LeadNote = Static<typeof LeadNote>;

/** `GET /api/v1/leads/:id`: the lead with its sources, notes and the explanation of its score. */
export const LeadDetail = Type.Intersect([
  Lead,
  Type.Object({
    sources: Type.Array(LeadSource),
    notes: Type.Array(LeadNote),
    scoreBreakdown: Type.Array(ScoreItem),
  }),
]);
export type LeadDetail = Static<typeof LeadDetail>;

export const LeadPage = Page(Lead);
export type LeadPage = Static<typeof LeadPage>;

export const LeadListQuery = Type.Object(
  {
    stage: Type.Optional(LeadStage),
    minScore: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    assigneeId: Type.Optional(Id),
    /** `score` (the hot-leads list, highest first) or `recent` (newest first, the default). */
    sort: Type.Optional(Type.Union([Type.Literal('recent'), Type.Literal('score')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type LeadListQuery = Static<typeof LeadListQuery>;

/** Stage and assignee change together or alone; `assigneeId: null` unassigns. */
export const PatchLeadBody = Type.Object(
  {
    stage: Type.Optional(LeadStage),
    assigneeId: Type.Optional(Type.Union([Id, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchLeadBody = Static<typeof PatchLeadBody>;

export const AddLeadNoteBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);
export type AddLeadNoteBody = Static<typeof AddLeadNoteBody>;

/** A rep captures a lead by hand (`POST /api/v1/communities/:id/leads`). */
export const CaptureLeadBody = Type.Object(
  {
    email: Email,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    company: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    eventId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type CaptureLeadBody = Static<typeof CaptureLeadBody>;

/**
 * What a rep who may not work the lead (a vendor, sponsor or staff member at the booth) gets back
 * from a capture: only what they sent, the same whether the person was new or already a lead, so a
 * capture cannot be used to read the community's pipeline (`202`). Managers get the `Lead` (`201`).
 */
export const LeadCaptureReceipt = Type.Object({
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Id, Type.Null()]),
  capturedAt: Timestamp,
});
export type LeadCaptureReceipt = Static<typeof LeadCaptureReceipt>;
