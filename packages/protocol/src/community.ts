import { type Static, Type } from 'typebox';
import { Id, LongText, Name, Timestamp } from './common.ts';

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

/** Adds an existing user; `owner` can only be granted by an owner. */
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
