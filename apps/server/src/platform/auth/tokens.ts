import { createHash, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const ALG = 'HS256';
const AUDIENCE = 'muster-api';
const ISSUER = 'muster';

export interface AccessClaims {
  userId: string;
  familyId: string;
}

export interface VerifiedAccess extends AccessClaims {
  /** When the token stops being valid (ms since epoch); long-lived sockets re-check it. */
  expiresAt: number;
}

export interface TokenService {
  /** `ttlSeconds` defaults to ACCESS_TOKEN_TTL_SECONDS; tests shorten it to see expiry happen. */
  signAccess(claims: AccessClaims, ttlSeconds?: number): Promise<string>;
  /** Throws on anything but a valid, unexpired access token of this server (pinned alg, aud, iss, typ). */
  verifyAccess(token: string): Promise<VerifiedAccess>;
  /**
   * A single-purpose token for a link sent by mail (`verify-email`, `password-reset`). It has its own
   * audience and `typ`, so it is never an access token and one purpose never passes for another.
   */
  signPurpose(
    purpose: string,
    subject: string,
    claims: Record<string, string>,
    ttlSeconds: number,
  ): Promise<string>;
  /** Throws `ExpiredTokenError` when only the expiry is wrong, `InvalidTokenError` for anything else. */
  verifyPurpose(token: string, purpose: string): Promise<PurposeClaims>;
}

export interface PurposeClaims {
  subject: string;
  claims: Record<string, string>;
}

export class InvalidTokenError extends Error {}
/** Genuine and of the right purpose but past its expiry: the client can offer to send a new link. */
export class ExpiredTokenError extends InvalidTokenError {}

const PURPOSE_AUDIENCE = 'muster-link';

export function createTokenService(secret: string): TokenService {
  // A KeyObject built once: given raw bytes, jose would import the key again on every request.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return {
    async signAccess({ userId, familyId }, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS) {
      return new SignJWT({ typ: 'access', fam: familyId })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verifyAccess(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          audience: AUDIENCE,
          issuer: ISSUER,
        });
        if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.fam !== 'string') {
          throw new InvalidTokenError('not an access token');
        }
        return { userId: payload.sub, familyId: payload.fam, expiresAt: (payload.exp ?? 0) * 1000 };
      } catch (error) {
        if (error instanceof InvalidTokenError || error instanceof errors.JOSEError) {
          throw new InvalidTokenError(error.message);
        }
        throw new InvalidTokenError('malformed token');
      }
    },
    async signPurpose(purpose, subject, claims, ttlSeconds) {
      return new SignJWT({ ...claims, typ: purpose })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setJti(randomUUID())
        .setSubject(subject)
        .setIssuer(ISSUER)
        .setAudience(PURPOSE_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
    async verifyPurpose(token, purpose) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALG],
          audience: PURPOSE_AUDIENCE,
          issuer: ISSUER,
          typ: 'JWT',
        });
        if (payload.typ !== purpose || typeof payload.sub !== 'string')
          throw new InvalidTokenError(`not a ${purpose} token`);
        const claims: Record<string, string> = {};
        for (const [name, value] of Object.entries(payload))
          if (typeof value === 'string') claims[name] = value;
        return { subject: payload.sub, claims };
      } catch (error) {
        // jose checks claims only after the signature, so an expired token here is genuine.
        if (error instanceof errors.JWTExpired && error.payload.typ === purpose)
          throw new ExpiredTokenError('token has expired');
        if (error instanceof InvalidTokenError || error instanceof errors.JOSEError) {
          throw new InvalidTokenError(error.message);
        }
        throw new InvalidTokenError('malformed token');
      }
    },
  };
}

/** Opaque, unguessable secret; only its hash is stored. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
