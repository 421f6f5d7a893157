import { createHash, createSecretKey, randomBytes } from 'node:crypto';
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
  signAccess(claims: AccessClaims): Promise<string>;
  /** Throws on anything but a valid, unexpired access token of this server (pinned alg, aud, iss, typ). */
  verifyAccess(token: string): Promise<VerifiedAccess>;
}

export class InvalidTokenError extends Error {}

export function createTokenService(secret: string): TokenService {
  // A KeyObject built once: given raw bytes, jose would import the key again on every request.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return {
    async signAccess({ userId, familyId }) {
      return new SignJWT({ typ: 'access', fam: familyId })
        .setProtectedHeader({ alg: ALG, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
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
  };
}

/** Opaque, unguessable secret; only its hash is stored. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
