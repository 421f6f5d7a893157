import { type Static, Type } from 'typebox';
import { Email, Id, Name, Tag, Timestamp, Url } from './common.ts';
import { ImageRef } from './image.ts';

export const Password = Type.String({ minLength: 10, maxLength: 256 });

export const User = Type.Object({
  id: Id,
  email: Type.Optional(Email),
  name: Type.String(),
  headline: Type.Union([Type.String(), Type.Null()]),
  company: Type.Union([Type.String(), Type.Null()]),
  bio: Type.Union([Type.String(), Type.Null()]),
  interests: Type.Array(Type.String()),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  /** An uploaded profile photo (`PUT /api/v1/me/avatar`); preferred over `avatarUrl` when set. */
  avatar: Type.Optional(Type.Union([ImageRef, Type.Null()])),
  createdAt: Timestamp,
  /** Only on the caller's own user: they proved they read mail at `email`. */
  emailVerified: Type.Optional(Type.Boolean()),
  /** Only on the caller's own user: they operate this instance (queues, dev mailbox). */
  isAdmin: Type.Optional(Type.Boolean()),
  /** Only on the caller's own user: listed in the attendee directory of events they take part in. */
  directoryVisible: Type.Optional(Type.Boolean()),
});
export type User = Static<typeof User>;

export const RegisterBody = Type.Object(
  { email: Email, password: Password, name: Name(120) },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

/** A long-lived proof that this device signed in to the account before (from `AuthResult`). */
export const DeviceToken = Type.String({ minLength: 20, maxLength: 2048 });

export const LoginBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: 256 }),
    /**
     * The `deviceToken` an earlier sign-in gave this device (kept after signing out): lets the
     * owner in while strangers' failed guesses have the account throttled.
     */
    deviceToken: Type.Optional(DeviceToken),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 20, maxLength: 200 }) },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

export const TokenPair = Type.Object({ accessToken: Type.String(), refreshToken: Type.String() });
export type TokenPair = Static<typeof TokenPair>;

export const AuthResult = Type.Object({
  user: User,
  accessToken: Type.String(),
  refreshToken: Type.String(),
  /** Keep it on the device, also after signing out, and send it with later logins (`LoginBody`). */
  deviceToken: Type.Optional(DeviceToken),
});
export type AuthResult = Static<typeof AuthResult>;

export const UpdateMeBody = Type.Object(
  {
    name: Type.Optional(Name(120)),
    headline: Type.Optional(Type.Union([Type.String({ maxLength: 160 }), Type.Null()])),
    company: Type.Optional(Type.Union([Type.String({ maxLength: 120 }), Type.Null()])),
    bio: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    interests: Type.Optional(Type.Array(Tag, { maxItems: 30, uniqueItems: true })),
    avatarUrl: Type.Optional(Type.Union([Url, Type.Null()])),
    /** Opt in to (or out of) the attendee directory of the events I take part in. */
    directoryVisible: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const Device = Type.Object({
  familyId: Id,
  userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  lastUsedAt: Timestamp,
});
export type Device = Static<typeof Device>;
