import { createHash, randomBytes } from 'node:crypto';
import type {
  CommunityInvitation,
  CommunityRole,
  CreateInvitationBody,
  InvitationStatus,
  Member,
  PageQuery,
} from '@muster/protocol';
import { entities } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { enqueueMail } from '../../platform/mail/index.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { findUserById } from '../identity/index.ts';
import { requireCommunityMember } from './communities.access.ts';
import * as invitations from './communities.invitations.repository.ts';
import { communityInvitationMail } from './communities.mail.ts';
import { canGrantCommunityRole, canManageMembers } from './communities.policy.ts';
import { presentMember } from './communities.presenter.ts';
import * as repo from './communities.repository.ts';
import { publishMembership } from './communities.service.ts';

/** An invitation works this long; a link invitation can be revoked earlier. */
export const INVITATION_TTL_DAYS = 14;
/** Open invitations per community: bounds the list and the mail one community can cause. */
export const MAX_OPEN_INVITATIONS = 500;
/** Invitations one person may create: e-mail invitations are mail to people who did not ask. */
export const INVITE_LIMIT = { name: 'community-invite', points: 30, durationSeconds: 3600 };

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const linkOf = (platform: Platform, token: string) =>
  `${platform.config.publicUrl.replace(/\/$/, '')}/join?token=${encodeURIComponent(token)}`;

export function statusOf(row: invitations.InvitationRow, now = new Date()): InvitationStatus {
  if (row.revokedAt) return 'revoked';
  if (row.acceptedAt) return 'accepted';
  if (row.declinedAt) return 'declined';
  return row.expiresAt <= now ? 'expired' : 'pending';
}

function present(row: invitations.InvitationRow, url: string | null = null): CommunityInvitation {
  return {
    id: row.id,
    communityId: row.communityId,
    email: row.email,
    role: row.role as CommunityRole,
    status: statusOf(row),
    invitedBy: row.invitedBy,
    url,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}

/**
 * Owners and admins invite (owners may invite owners). With an e-mail address the invitation is
 * mailed and only that account may answer it; without one, the answer carries the link (`url`),
 * which anyone who has it may use. Only the token's hash is stored, so the link is shown once.
 */
export async function createInvitation(
  ctx: AuthedCtx,
  communityId: string,
  body: CreateInvitationBody,
): Promise<CommunityInvitation> {
  const me = ctx.actor.userId;
  const role: CommunityRole = body.role ?? 'member';
  const email = body.email?.trim().toLowerCase() ?? null;
  const token = randomBytes(32).toString('base64url');
  await ctx.platform.limits.consume(INVITE_LIMIT, me);
  const invitation = await withTx(ctx.platform, async (work) => {
    const { tx } = work;
    const { community, role: actorRole } = await requireCommunityMember(
      tx,
      communityId,
      me,
      canManageMembers,
      {
        forUpdate: true,
      },
    );
    if (!canGrantCommunityRole(actorRole, role))
      throw new AppError(ErrorCode.forbidden, `Your role in this community cannot grant '${role}'`);
    if (email && (await invitations.isMemberByEmail(tx, communityId, email)))
      throw new AppError(ErrorCode.conflict, 'This person is already a member');
    if ((await invitations.countOpenInvitations(tx, communityId)) >= MAX_OPEN_INVITATIONS)
      throw new AppError(
        ErrorCode.conflict,
        `A community keeps at most ${MAX_OPEN_INVITATIONS} open invitations`,
      );
    const now = new Date();
    const row = await invitations.insertInvitation(tx, {
      id: uuidv7(),
      communityId,
      email,
      role,
      tokenHash: hashOf(token),
      invitedBy: me,
      createdAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 3600 * 1000),
    });
    if (email) {
      const inviter = await findUserById(tx, me);
      await enqueueMail(work, {
        to: email,
        template: communityInvitationMail.name,
        data: {
          communityName: community.name,
          inviterName: inviter?.name ?? 'Someone',
          link: linkOf(ctx.platform, token),
          days: INVITATION_TTL_DAYS,
        },
      });
    }
    return row;
  });
  return present(invitation, email ? null : linkOf(ctx.platform, token));
}

/** The community's invitations, newest first, for its owners and admins. */
export async function listInvitations(ctx: AuthedCtx, communityId: string, query: PageQuery) {
  const db = ctx.platform.db;
  await requireCommunityMember(db, communityId, ctx.actor.userId, canManageMembers);
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid'] as const);
  const rows = await invitations.listInvitations(db, communityId, after, limit + 1);
  const page = pageOf(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
  return { items: page.items.map((r) => present(r)), nextCursor: page.nextCursor };
}

/**
 * The invitation a token opens for the caller. An unknown token, or an e-mail invitation for
 * another address, is `not_found` (authorise before revealing); one no longer open is `conflict`.
 */
async function openInvitation(
  ctx: AuthedCtx,
  tx: Parameters<typeof invitations.findInvitation>[0],
  token: string,
) {
  const row = await invitations.findInvitation(tx, { tokenHash: hashOf(token) }, { forUpdate: true });
  if (!row) throw notFound('Invitation');
  if (row.email) {
    const user = await findUserById(tx, ctx.actor.userId);
    if (user?.email !== row.email) throw notFound('Invitation');
  }
  return row;
}

const notOpen = (status: InvitationStatus) =>
  new AppError(ErrorCode.conflict, `This invitation is ${status}`);

/**
 * Joins the community with the invitation's role: the invited account for an e-mail invitation
 * (once), anyone with the link for a link invitation. A member keeps the role they have.
 */
export async function acceptInvitation(ctx: AuthedCtx, token: string): Promise<Member> {
  const me = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const row = await openInvitation(ctx, work.tx, token);
    const status = statusOf(row);
    if (status !== 'pending') throw notOpen(status);
    const community = await repo.findCommunity(work.tx, row.communityId, { forUpdate: true });
    if (!community) throw notFound('Invitation');
    if (row.email) await invitations.updateInvitation(work.tx, row.id, { acceptedAt: new Date() });
    const existing = await repo.findMember(work.tx, row.communityId, me);
    if (existing) return presentMember(existing);
    await repo.upsertMember(work.tx, {
      communityId: row.communityId,
      userId: me,
      role: row.role as CommunityRole,
    });
    const member = (await repo.findMember(work.tx, row.communityId, me))!;
    await publishMembership(work, ctx, community, member, entities.communities.memberAdded);
    return presentMember(member);
  });
}

/** The invited account says no (an e-mail invitation is then closed); a link needs no answer. */
export async function declineInvitation(ctx: AuthedCtx, token: string): Promise<void> {
  await withTx(ctx.platform, async ({ tx }) => {
    const row = await openInvitation(ctx, tx, token);
    const status = statusOf(row);
    if (!row.email || status === 'declined') return;
    if (status !== 'pending') throw notOpen(status);
    await invitations.updateInvitation(tx, row.id, { declinedAt: new Date() });
  });
}

/** Owners and admins withdraw an invitation; its link stops working at once. */
export async function revokeInvitation(ctx: AuthedCtx, invitationId: string): Promise<void> {
  await withTx(ctx.platform, async ({ tx }) => {
    const row = await invitations.findInvitation(tx, { id: invitationId }, { forUpdate: true });
    if (!row) throw notFound('Invitation');
    await requireCommunityMember(tx, row.communityId, ctx.actor.userId, canManageMembers);
    if (statusOf(row) === 'pending')
      await invitations.updateInvitation(tx, row.id, { revokedAt: new Date() });
  });
}
