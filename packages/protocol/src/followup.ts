import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';

/** One mail of a sequence: sent `delayMinutes` after the previous one (the first: after enrolment). */
export const FollowUpStep = Type.Object(
  {
    delayMinutes: Type.Integer({ minimum: 0, maximum: 525_600 }),
    /** Mustache text: `{{name}}`, `{{company}}` and `{{communityName}}` are filled in. */
    subject: Type.String({ minLength: 1, maxLength: 300 }),
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
  },
  { additionalProperties: false },
);
export type FollowUpStep = Static<typeof FollowUpStep>;

export const CreateFollowUpSequenceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    steps: Type.Array(FollowUpStep, { minItems: 1, maxItems: 10 }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateFollowUpSequenceBody = Static<typeof CreateFollowUpSequenceBody>;

export const PatchFollowUpSequenceBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchFollowUpSequenceBody = Static<typeof PatchFollowUpSequenceBody>;

export const FollowUpSequence = Type.Object({
  id: Id,
  communityId: Id,
  name: Type.String(),
  steps: Type.Array(FollowUpStep),
  active: Type.Boolean(),
  enrolled: Type.Integer(),
  createdAt: Timestamp,
});
export type FollowUpSequence = Static<typeof FollowUpSequence>;

export const FollowUpSequenceList = Type.Object({ items: Type.Array(FollowUpSequence) });
export type FollowUpSequenceList = Static<typeof FollowUpSequenceList>;

/** The signed token of an unsubscribe link (from the mail's link or its `List-Unsubscribe` header). */
export const UnsubscribeQuery = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 2000 }) },
  { additionalProperties: false },
);
export type UnsubscribeQuery = Static<typeof UnsubscribeQuery>;

/** `POST /api/v1/follow-ups/confirm`: the double opt-in, with the token from the confirmation mail. */
export const ConfirmFollowUpsBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 2000 }) },
  { additionalProperties: false },
);
export type ConfirmFollowUpsBody = Static<typeof ConfirmFollowUpsBody>;
