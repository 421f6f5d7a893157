import { type Static, Type } from 'typebox';
import { Email } from './common.ts';
import { Password } from './identity.ts';

/** A link token from a verification or reset mail; opaque to clients. */
export const LinkToken = Type.String({ minLength: 20, maxLength: 2048, pattern: '^[A-Za-z0-9_.-]+$' });

/** `POST /api/v1/auth/verify-email` — the token from the link in the verification mail. */
export const VerifyEmailBody = Type.Object({ token: LinkToken }, { additionalProperties: false });
export type VerifyEmailBody = Static<typeof VerifyEmailBody>;

/** `POST /api/v1/auth/password-reset/request` — answered 202 whether or not the account exists. */
export const PasswordResetRequestBody = Type.Object({ email: Email }, { additionalProperties: false });
export type PasswordResetRequestBody = Static<typeof PasswordResetRequestBody>;

/** `POST /api/v1/auth/password-reset` — the token from the reset mail and the new password. */
export const PasswordResetBody = Type.Object(
  { token: LinkToken, password: Password },
  { additionalProperties: false },
);
export type PasswordResetBody = Static<typeof PasswordResetBody>;
