import { randomInt } from 'node:crypto';
import type {
  ClaimReferralBody,
  CreateReferralBody,
  PageQuery,
  Referral,
  ReferralClaimed,
  ReferralCode,
  ReferralKind,
  ReferralLeaderboard,
  ReferralLedger,
} from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { canViewEvent, loadEventAccess, rsvps } from '../events/index.ts';
import { findUserById } from '../identity/index.ts';
import * as repo from './referrals.repository.ts';

/** No 0/O, 1/I/L: codes are read aloud and typed from posters. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
const CODE_FORMAT = /^[A-Za-z0-9]{4,16}$/;
export const REFERRAL_CREATE_LIMIT = { name: 'referral-create', points: 30, durationSeconds: 60 };

const newCode = () =>
  Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** Codes are case-insensitive; anything not shaped like a code is a 400 naming the field. */
export function normaliseCode(field: string, raw: string): string {
  if (!CODE_FORMAT.test(raw)) throw invalid(field, 'is not a referral code');
  return raw.toUpperCase();
}

function present(ctx: Ctx, row: repo.ReferralCodeRow): ReferralCode {
  const base = ctx.platform.config.publicUrl.replace(/\/$/, '');
  const url = row.eventId ? `${base}/events/${row.eventId}?ref=${row.code}` : `${base}/?ref=${row.code}`;
  return { code: row.code, url, eventId: row.eventId, createdAt: row.createdAt.toISOString() };
}

/** The caller's code for an event they can see (or for the platform); asking again returns the same code. */
export async function createReferral(ctx: AuthedCtx, body: CreateReferralBody): Promise<ReferralCode> {
  const me = ctx.actor.userId;
  const eventId = body.eventId ?? null;
  if (eventId) {
    const access = await loadEventAccess(ctx.platform.db, eventId, me);
    if (!access || !canViewEvent(access)) throw notFound('Event');
  }
  const existing = await repo.findCodeOf(ctx.platform.db, me, eventId);
  if (existing) return present(ctx, existing);
  await ctx.platform.limits.consume(REFERRAL_CREATE_LIMIT, me);
  return withTx(ctx.platform, async ({ tx }) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await repo.insertCode(tx, { code: newCode(), userId: me, eventId });
      if (row) return present(ctx, row);
      const raced = await repo.findCodeOf(tx, me, eventId);
      if (raced) return present(ctx, raced);
    }
    throw new Error('could not draw a free referral code in 5 attempts');
  });
}

export interface AttributionInput {
  code: string;
  kind: ReferralKind;
  subjectId: string;
  referredUserId?: string | null | undefined;
  eventId?: string | null | undefined;
  communityId?: string | null | undefined;
  /** A submission's e-mail answer: the person it stands for. */
  referredEmail?: string | null | undefined;
  /** A submission only: whether its e-mail was new to the community (it created the lead). */
  newToCommunity?: boolean | undefined;
}

/**
 * Credits the code's owner with a registration, an RSVP or a submission, inside the caller's
 * transaction. An unknown code or a self-referral (the referrer's own account or e-mail) credits
 * nobody and fails nothing (a stale link must not stop anyone registering); a subject is credited
 * once, to the first code it came with. A submission is credited only when it carries an e-mail
 * new to the community, so one person counts once however often they submit. Whether a credit
 * still counts later (verified, RSVP not withdrawn) is decided when read (`isCredited`).
 */
export async function attributeReferral(
  work: Work,
  input: AttributionInput,
): Promise<{ referrerId: string } | null> {
  const code = await repo.findCode(work.tx, input.code.toUpperCase());
  if (!code || code.userId === input.referredUserId) return null;
  const referredEmail = input.referredEmail?.trim().toLowerCase() || null;
  if (input.kind === 'submission') {
    if (!referredEmail || !input.newToCommunity) return null;
    const referrer = await findUserById(work.tx, code.userId);
    if (!referrer || referrer.email === referredEmail) return null;
  }
  const added = await repo.insertAttribution(work.tx, {
    id: uuidv7(),
    code: code.code,
    referrerId: code.userId,
    kind: input.kind,
    subjectId: input.subjectId,
    referredUserId: input.referredUserId ?? null,
    referredEmail: input.kind === 'submission' ? referredEmail : null,
    eventId: input.eventId ?? code.eventId,
    communityId: input.communityId ?? null,
  });
  if (!added) return null;
  // On the referrer's scope: the engagement reactor scores it once it counts (verified, still going).
  await work.append({
    scope: scopes.user(code.userId),
    entity: entities.referrals.referralAttributed,
    op: 'upsert',
    id: added.id,
    data: {
      id: added.id,
      code: added.code,
      kind: added.kind as Referral['kind'],
      eventId: added.eventId,
      referredUserId: added.referredUserId,
      at: added.createdAt.toISOString(),
    },
  });
  return { referrerId: code.userId };
}

export async function referralLedger(ctx: AuthedCtx, query: PageQuery): Promise<ReferralLedger> {
  const q = ctx.platform.db;
  const me = ctx.actor.userId;
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const rows = await repo.ledgerOf(q, me, { after, limit: limit + 1 });
  const page = pageOf(rows, limit, (row) => [row.createdAt.toISOString(), row.id]);
  const items: Referral[] = page.items.map((row) => ({
    id: row.id,
    code: row.code,
    kind: row.kind as ReferralKind,
    eventId: row.eventId,
    referredUserId: row.referredUserId,
    at: row.createdAt.toISOString(),
  }));
  const codes = (await repo.codesOf(q, me)).map((row) => present(ctx, row));
  return { items, nextCursor: page.nextCursor, total: await repo.countReferrals(q, me), codes };
}

/** The event's top referrers, for anyone who can see the event (names only, as on an attendee list). */
export async function referralLeaderboard(ctx: AuthedCtx, eventId: string): Promise<ReferralLeaderboard> {
  const access = await loadEventAccess(ctx.platform.db, eventId, ctx.actor.userId);
  if (!access || !canViewEvent(access)) throw notFound('Event');
  return { items: await repo.leadersOf(ctx.platform.db, access.event.id, 20) };
}

/** A sign-up is credited to a link only soon after it happened. */
const SIGNUP_CLAIM_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * Credits the code the caller arrived with: their sign-up (within a week of it) or, with
 * `eventId`, their RSVP to that event (which must exist and not be declined). The client calls it
 * right after the sign-up or RSVP, so identity and events stay unaware of referrals. First code
 * wins; claiming again, or with another code, credits nobody.
 */
export async function claimReferral(ctx: AuthedCtx, body: ClaimReferralBody): Promise<ReferralClaimed> {
  const me = ctx.actor.userId;
  const code = normaliseCode('body.code', body.code);
  await ctx.platform.limits.consume(REFERRAL_CREATE_LIMIT, me);
  return withTx(ctx.platform, async (work) => {
    if (!body.eventId) {
      const user = await findUserById(work.tx, me);
      if (!user || Date.now() - user.createdAt.getTime() > SIGNUP_CLAIM_WINDOW_MS)
        throw new AppError(ErrorCode.conflict, 'A sign-up can be credited only within a week of it');
      const credited = await attributeReferral(work, {
        code,
        kind: 'registration',
        subjectId: me,
        referredUserId: me,
      });
      return { credited: credited !== null, kind: 'registration' as const };
    }
    const access = await loadEventAccess(work.tx, body.eventId, me);
    if (!access || !canViewEvent(access)) throw notFound('Event');
    const [rsvp] = await work.tx
      .select({ status: rsvps.status })
      .from(rsvps)
      .where(and(eq(rsvps.eventId, access.event.id), eq(rsvps.userId, me)));
    if (!rsvp || rsvp.status === 'declined')
      throw new AppError(ErrorCode.conflict, 'Only an RSVP to the event can be credited');
    const credited = await attributeReferral(work, {
      code,
      kind: 'rsvp',
      subjectId: `${access.event.id}:${me}`,
      referredUserId: me,
      eventId: access.event.id,
      communityId: access.event.communityId,
    });
    return { credited: credited !== null, kind: 'rsvp' as const };
  });
}
