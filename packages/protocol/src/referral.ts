import { type Static, Type } from 'typebox';
import { Id, Page, Timestamp } from './common.ts';

/** Personal referral codes: 8 characters of an unambiguous alphabet, case-insensitive. */
export const ReferralCodeText = Type.String({ minLength: 4, maxLength: 16, pattern: '^[A-Za-z0-9]+$' });

export const CreateReferralBody = Type.Object(
  { eventId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type CreateReferralBody = Static<typeof CreateReferralBody>;

/** `POST /api/v1/referrals` → the caller's code for the event (or the platform) and a link to share. */
export const ReferralCode = Type.Object({
  code: Type.String(),
  url: Type.String(),
  eventId: Type.Union([Id, Type.Null()]),
  createdAt: Timestamp,
});
export type ReferralCode = Static<typeof ReferralCode>;

export const ReferralKind = Type.Union([
  Type.Literal('registration'),
  Type.Literal('rsvp'),
  Type.Literal('submission'),
]);
export type ReferralKind = Static<typeof ReferralKind>;

/** One line of a person's referral ledger. */
export const Referral = Type.Object({
  id: Id,
  code: Type.String(),
  kind: ReferralKind,
  eventId: Type.Union([Id, Type.Null()]),
  referredUserId: Type.Union([Id, Type.Null()]),
  at: Timestamp,
});
export type Referral = Static<typeof Referral>;

export const ReferralLedger = Type.Intersect([
  Page(Referral),
  Type.Object({ total: Type.Integer(), codes: Type.Array(ReferralCode) }),
]);
export type ReferralLedger = Static<typeof ReferralLedger>;

export const ReferralLeader = Type.Object({ userId: Id, name: Type.String(), referrals: Type.Integer() });
export type ReferralLeader = Static<typeof ReferralLeader>;

export const ReferralLeaderboard = Type.Object({ items: Type.Array(ReferralLeader) });
export type ReferralLeaderboard = Static<typeof ReferralLeaderboard>;

/**
 * The client claims the code it arrived with (`?ref=` of a shared link) right after signing up
 * (no `eventId`) or RSVPing (`eventId`); the code's owner is credited once.
 */
export const ClaimReferralBody = Type.Object(
  { code: ReferralCodeText, eventId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type ClaimReferralBody = Static<typeof ClaimReferralBody>;

export const ReferralClaimed = Type.Object({ credited: Type.Boolean(), kind: ReferralKind });
export type ReferralClaimed = Static<typeof ReferralClaimed>;
