import { type Static, Type } from 'typebox';
import { Id, PatchOf, Timestamp, TimeZone, Url } from './common.ts';
import { ImageRef } from './image.ts';
import { scheduledFields } from './scheduled.ts';

export const EventStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('published'),
  Type.Literal('live'),
  Type.Literal('ended'),
  Type.Literal('archived'),
]);
export type EventStatus = Static<typeof EventStatus>;

export const Visibility = Type.Union([
  Type.Literal('public'),
  Type.Literal('unlisted'),
  Type.Literal('private'),
]);
export type Visibility = Static<typeof Visibility>;

export const EventRole = Type.Union([
  Type.Literal('organiser'),
  Type.Literal('staff'),
  Type.Literal('volunteer'),
  Type.Literal('speaker'),
  Type.Literal('vendor'),
  Type.Literal('sponsor'),
  Type.Literal('attendee'),
]);
export type EventRole = Static<typeof EventRole>;

export const Event = Type.Object({
  id: Id,
  communityId: Id,
  title: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  status: EventStatus,
  visibility: Visibility,
  startsAt: Timestamp,
  endsAt: Timestamp,
  timezone: Type.String(),
  venue: Type.Union([Type.String(), Type.Null()]),
  onlineUrl: Type.Union([Type.String(), Type.Null()]),
  coverImageUrl: Type.Union([Type.String(), Type.Null()]),
  /** The uploaded cover (protocol 5); absent from older servers' answers. */
  coverImage: Type.Optional(Type.Union([ImageRef, Type.Null()])),
  capacity: Type.Union([Type.Integer(), Type.Null()]),
  goingCount: Type.Integer(),
  waitlistCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Event = Static<typeof Event>;

const eventFields = {
  ...scheduledFields,
  timezone: TimeZone,
  venue: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
  onlineUrl: Type.Optional(Type.Union([Url, Type.Null()])),
  coverImageUrl: Type.Optional(Type.Union([Url, Type.Null()])),
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()])),
  visibility: Visibility,
};

export const CreateEventBody = Type.Object(
  { communityId: Id, ...eventFields },
  { additionalProperties: false },
);
export type CreateEventBody = Static<typeof CreateEventBody>;

export const UpdateEventBody = PatchOf(eventFields);
export type UpdateEventBody = Static<typeof UpdateEventBody>;

export const EventListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  status: Type.Optional(Type.Union([Type.Literal('published'), Type.Literal('live'), Type.Literal('ended')])),
  communityId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type EventListQuery = Static<typeof EventListQuery>;

export const EventTransition = Type.Union([
  Type.Literal('publish'),
  Type.Literal('start'),
  Type.Literal('end'),
  Type.Literal('archive'),
]);
export type EventTransition = Static<typeof EventTransition>;

export const RoleAssignment = Type.Object({ userId: Id, name: Type.String(), role: EventRole });
export type RoleAssignment = Static<typeof RoleAssignment>;

export const PutRoleBody = Type.Object({ role: EventRole }, { additionalProperties: false });
export type PutRoleBody = Static<typeof PutRoleBody>;

export const UserIdParams = Type.Object({ id: Id, userId: Id });
export type UserIdParams = Static<typeof UserIdParams>;

/** Data of `events.roleChanged` on the `user:<id>` scope of the person whose role changed. */
export const EventRoleGrant = Type.Object({ eventId: Id, userId: Id, role: EventRole });
export type EventRoleGrant = Static<typeof EventRoleGrant>;

export const RoleListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type RoleListQuery = Static<typeof RoleListQuery>;
