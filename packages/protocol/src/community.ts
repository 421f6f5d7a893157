import { type Static, Type } from 'typebox';
import { Email, Id, LongText, Name, Timestamp } from './common.ts';

export const CommunityRole = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('member'),
]);
export type CommunityRole = Static<typeof CommunityRole>;

export const Community = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  memberCount: Type.Integer(),
  myRole: Type.Union([CommunityRole, Type.Null()]),
  /** An instance administrator vouched for who runs it (see docs/mail.md). */
  verified: Type.Boolean(),
  createdAt: Timestamp,
});
export type Community = Static<typeof Community>;

/** `PUT /api/v1/admin/communities/:id/verified`, instance administrators only. */
export const SetCommunityVerifiedBody = Type.Object(
  { verified: Type.Boolean() },
  { additionalProperties: false },
);
export type SetCommunityVerifiedBody = Static<typeof SetCommunityVerifiedBody>;

export const CreateCommunityBody = Type.Object(
  { name: Name(120), description: Type.Optional(LongText(4000)) },
  { additionalProperties: false },
);
export type CreateCommunityBody = Static<typeof CreateCommunityBody>;

export const Member = Type.Object({
  userId: Id,
  name: Type.String(),
  role: CommunityRole,
  joinedAt: Timestamp,
});
export type Member = Static<typeof Member>;

/**
 * Changes the role of an existing member; `owner` can only be granted by an owner. People join only
 * by accepting an invitation: naming someone who is not a member is a 409.
 */
export const AddMemberBody = Type.Object(
  { userId: Id, role: Type.Optional(CommunityRole) },
  { additionalProperties: false },
);
export type AddMemberBody = Static<typeof AddMemberBody>;

export const MemberListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type MemberListQuery = Static<typeof MemberListQuery>;

export const InvitationStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('accepted'),
  Type.Literal('declined'),
  Type.Literal('revoked'),
  Type.Literal('expired'),
]);
export type InvitationStatus = Static<typeof InvitationStatus>;

/**
 * `POST /api/v1/communities/:id/invitations`: with `email`, the invitation is mailed and only the
 * account with that address may accept it; without, the answer carries a link (`url`) that anyone
 * who has it may use until it expires or is revoked. Owners may invite owners, admins the rest.
 */
export const CreateInvitationBody = Type.Object(
  { email: Type.Optional(Email), role: Type.Optional(CommunityRole) },
  { additionalProperties: false },
);
export type CreateInvitationBody = Static<typeof CreateInvitationBody>;

/** An invitation as its community's managers see it; `url` only in the answer that created a link invitation. */
export const CommunityInvitation = Type.Object({
  id: Id,
  communityId: Id,
  email: Type.Union([Type.String(), Type.Null()]),
  role: CommunityRole,
  status: InvitationStatus,
  invitedBy: Type.Union([Id, Type.Null()]),
  url: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
export type CommunityInvitation = Static<typeof CommunityInvitation>;

/** The secret of an invitation link, as it appears in `url` (`?token=`). */
export const InvitationTokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export type InvitationTokenParams = Static<typeof InvitationTokenParams>;

/** Someone I blocked: no DMs either way, no mentions, hidden from each other in member lists. */
export const BlockedUser = Type.Object({ userId: Id, name: Type.String(), blockedAt: Timestamp });
export type BlockedUser = Static<typeof BlockedUser>;

export const BlockParams = Type.Object({ userId: Id });
export type BlockParams = Static<typeof BlockParams>;

/** `GET /api/v1/me/blocks`: every block, newest first (a person keeps at most 1,000). */
export const BlockList = Type.Object({ items: Type.Array(BlockedUser) });
export type BlockList = Static<typeof BlockList>;
