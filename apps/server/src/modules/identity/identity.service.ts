import type { AuthResult, LoginBody, RegisterBody, TokenPair, UpdateMeBody, User } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import type { Limit } from '../../platform/auth/rate-limiter.ts';
import { newOpaqueToken, REFRESH_TOKEN_TTL_SECONDS, sha256 } from '../../platform/auth/tokens.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { verifyEmailToken } from './identity.links.ts';
import { presentUser } from './identity.presenter.ts';
import * as repo from './identity.repository.ts';
import { recordSessionsRevoked } from './identity.sessions.ts';
import { enqueueVerificationMail } from './identity.verification.service.ts';

/**
 * Sign-in throttling (docs/security.md). Failed passwords are counted per account *and* source
 * address: a stranger's guesses lock only the stranger's address out of that account. Across all
 * addresses an account takes far more failures before it is throttled, and even then a device that
 * signed in to it before (its `deviceToken`) is still let in, so nobody can lock the owner out.
 */
export const LOGIN_FAILURES_PER_SOURCE: Limit = {
  name: 'login-fail-source',
  points: 10,
  durationSeconds: 15 * 60,
};
export const LOGIN_FAILURES_PER_ACCOUNT: Limit = {
  name: 'login-fail-account',
  points: 100,
  durationSeconds: 60 * 60,
};
/** Every attempt from one address, whichever accounts it tries. */
export const LOGIN_PER_IP: Limit = { name: 'login-ip', points: 100, durationSeconds: 15 * 60 };
const DEVICE_TOKEN_PURPOSE = 'login-device';
const DEVICE_TOKEN_TTL_SECONDS = 365 * 24 * 3600;
export const REGISTER_PER_IP: Limit = { name: 'register-ip', points: 30, durationSeconds: 60 * 60 };

interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

async function issueTokens(
  ctx: Ctx,
  tx: Tx,
  userId: string,
  familyId: string,
  userAgent: string | undefined,
): Promise<TokenPair> {
  const refreshToken = newOpaqueToken();
  await repo.insertRefreshToken(tx, {
    id: uuidv7(),
    familyId,
    userId,
    tokenHash: sha256(refreshToken),
    userAgent: userAgent?.slice(0, 300) ?? null,
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000),
  });
  const accessToken = await ctx.platform.tokens.signAccess({ userId, familyId });
  return { accessToken, refreshToken };
}

/**
 * Creates the account and its first session, and enqueues the verification mail in the same
 * transaction. The very first account of an instance becomes its administrator (decided under a
 * lock in this transaction, so two simultaneous first registrations cannot both be it).
 */
export async function register(ctx: Ctx, input: RegisterBody, client: ClientInfo): Promise<AuthResult> {
  await ctx.platform.limits.consume(REGISTER_PER_IP, client.ip);
  // Hash before the transaction: it takes ~50 ms of CPU and must not hold the database.
  const passwordHash = await hashPassword(input.password);
  const id = uuidv7();
  const email = input.email.toLowerCase();
  const verifyToken = await verifyEmailToken(ctx.platform, id, email);
  return withTx(ctx.platform, async (work) => {
    const isAdmin = await repo.isFirstAccount(work.tx);
    const user = await repo.insertUser(work.tx, {
      id,
      email,
      passwordHash,
      name: input.name.trim(),
      isAdmin,
    });
    if (!user) throw new AppError(ErrorCode.conflict, 'An account with this e-mail already exists');
    await enqueueVerificationMail(ctx.platform, work, user, verifyToken);
    const tokens = await issueTokens(ctx, work.tx, user.id, uuidv7(), client.userAgent);
    return {
      user: presentUser(user, { self: true }),
      ...tokens,
      deviceToken: await deviceToken(ctx, user.id),
    };
  });
}

export async function login(ctx: Ctx, input: LoginBody, client: ClientInfo): Promise<AuthResult> {
  const { limits } = ctx.platform;
  const email = input.email.toLowerCase();
  const source = `${email} ${client.ip}`;
  await limits.consume(LOGIN_PER_IP, client.ip);
  await limits.assertAvailable(LOGIN_FAILURES_PER_SOURCE, source);
  const user = await repo.findUserByEmail(ctx.platform.db, email);
  if (!(user && (await isKnownDevice(ctx, user.id, input.deviceToken))))
    await limits.assertAvailable(LOGIN_FAILURES_PER_ACCOUNT, email);
  const ok = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !ok) {
    await Promise.all([
      limits.penalize(LOGIN_FAILURES_PER_SOURCE, source),
      limits.penalize(LOGIN_FAILURES_PER_ACCOUNT, email),
    ]);
    throw new AppError(ErrorCode.unauthorized, 'E-mail or password is wrong');
  }
  // Only this source's count: the owner signing in must not wipe strangers' failures elsewhere.
  await limits.reset(LOGIN_FAILURES_PER_SOURCE, source);
  return withTx(ctx.platform, async ({ tx }) => {
    const tokens = await issueTokens(ctx, tx, user.id, uuidv7(), client.userAgent);
    return {
      user: presentUser(user, { self: true }),
      ...tokens,
      deviceToken: await deviceToken(ctx, user.id),
    };
  });
}

/** A signed, long-lived proof that this device signed in to `userId`: it survives signing out. */
function deviceToken(ctx: Ctx, userId: string): Promise<string> {
  return ctx.platform.tokens.signPurpose(DEVICE_TOKEN_PURPOSE, userId, {}, DEVICE_TOKEN_TTL_SECONDS);
}

async function isKnownDevice(ctx: Ctx, userId: string, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  try {
    return (await ctx.platform.tokens.verifyPurpose(token, DEVICE_TOKEN_PURPOSE)).subject === userId;
  } catch {
    return false;
  }
}

/**
 * Spends a refresh token and issues the next one in its family. A spent token presented again
 * means a copy exists elsewhere: the family is revoked and both holders must sign in again.
 */
export async function refresh(ctx: Ctx, refreshToken: string, client: ClientInfo): Promise<TokenPair> {
  const outcome = await withTx(ctx.platform, async (work) => {
    const { tx } = work;
    const row = await repo.findRefreshTokenForUpdate(tx, sha256(refreshToken));
    if (!row || row.revokedAt || row.expiresAt < new Date()) return { error: 'invalid' as const };
    if (row.spentAt) {
      if (await repo.revokeFamily(tx, row.familyId))
        await recordSessionsRevoked(work, row.userId, [row.familyId]);
      return { error: 'reused' as const };
    }
    await repo.markSpent(tx, row.id);
    return { tokens: await issueTokens(ctx, tx, row.userId, row.familyId, client.userAgent) };
  });
  if ('error' in outcome) {
    if (outcome.error === 'reused')
      ctx.platform.log.warn({ requestId: ctx.requestId }, 'refresh token reuse: family revoked');
    throw new AppError(ErrorCode.unauthorized, 'Refresh token is invalid, expired or already used');
  }
  return outcome.tokens;
}

export async function logout(ctx: Ctx, refreshToken: string): Promise<void> {
  await withTx(ctx.platform, async (work) => {
    const row = await repo.findRefreshTokenForUpdate(work.tx, sha256(refreshToken));
    if (row && (await repo.revokeFamily(work.tx, row.familyId)))
      await recordSessionsRevoked(work, row.userId, [row.familyId]);
  });
}

export async function logoutEverywhere(ctx: AuthedCtx): Promise<void> {
  const userId = ctx.actor.userId;
  await withTx(ctx.platform, async (work) =>
    recordSessionsRevoked(work, userId, await repo.revokeAllOfUser(work.tx, userId)),
  );
}

export async function getMe(ctx: AuthedCtx): Promise<User> {
  const user = await repo.findUserById(ctx.platform.db, ctx.actor.userId);
  if (!user) throw notFound('User');
  return presentUser(user, { self: true });
}

export async function updateMe(ctx: AuthedCtx, input: UpdateMeBody): Promise<User> {
  return withTx(ctx.platform, async ({ tx, append }) => {
    const user = await repo.updateUser(tx, ctx.actor.userId, {
      ...(input.name !== undefined ? { name: input.name.trim() } : {}),
      ...(input.headline !== undefined ? { headline: input.headline } : {}),
      ...(input.company !== undefined ? { company: input.company } : {}),
      ...(input.bio !== undefined ? { bio: input.bio } : {}),
      ...(input.interests !== undefined ? { interests: input.interests } : {}),
      ...(input.avatarUrl !== undefined ? { avatarUrl: input.avatarUrl } : {}),
      ...(input.directoryVisible !== undefined ? { directoryVisible: input.directoryVisible } : {}),
    });
    if (!user) throw notFound('User');
    const me = presentUser(user, { self: true });
    await append({
      scope: scopes.user(user.id),
      entity: entities.identity.profileUpdated,
      op: 'upsert',
      id: user.id,
      data: me,
      actorId: user.id,
    });
    return me;
  });
}

export async function listDevices(ctx: AuthedCtx) {
  const rows = await repo.listActiveTokens(ctx.platform.db, ctx.actor.userId);
  return rows.map((r) => ({
    familyId: r.familyId,
    userAgent: r.userAgent,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.createdAt.toISOString(),
    current: r.familyId === ctx.actor.familyId,
  }));
}
