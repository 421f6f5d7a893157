import { type Static, Type } from 'typebox';
import { Id, Timestamp } from './common.ts';

export const RsvpChoice = Type.Union([
  Type.Literal('going'),
  Type.Literal('interested'),
  Type.Literal('declined'),
]);
export type RsvpChoice = Static<typeof RsvpChoice>;

export const RsvpStatus = Type.Union([
  Type.Literal('going'),
  Type.Literal('waitlisted'),
  Type.Literal('interested'),
  Type.Literal('declined'),
]);
export type RsvpStatus = Static<typeof RsvpStatus>;

export const PutRsvpBody = Type.Object({ status: RsvpChoice }, { additionalProperties: false });
export type PutRsvpBody = Static<typeof PutRsvpBody>;

/** My RSVP; `waitlistPosition` is 1-based and present only while waitlisted. */
export const Rsvp = Type.Object({
  eventId: Id,
  status: RsvpStatus,
  waitlistPosition: Type.Optional(Type.Integer({ minimum: 1 })),
  updatedAt: Timestamp,
});
export type Rsvp = Static<typeof Rsvp>;

export const RsvpEntry = Type.Object({
  userId: Id,
  name: Type.String(),
  status: RsvpStatus,
  waitlistPosition: Type.Optional(Type.Integer({ minimum: 1 })),
  updatedAt: Timestamp,
});
export type RsvpEntry = Static<typeof RsvpEntry>;

export const RsvpListQuery = Type.Object({
  status: Type.Optional(RsvpStatus),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type RsvpListQuery = Static<typeof RsvpListQuery>;
