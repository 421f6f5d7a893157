import type { BlockList } from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import * as repo from './identity.blocks.repository.ts';
import { findUserById } from './identity.repository.ts';

/** Enough for anyone's worst week; bounds the list, which is answered whole. */
export const MAX_BLOCKS = 1000;
const BLOCK_WRITE_LIMIT = { name: 'block-write', points: 60, durationSeconds: 60 };

/**
 * Blocks `userId` for the caller (B1): from now on neither can open or write a DM to the other,
 * mentions between them are not delivered, and they do not see each other in member lists. The
 * blocked person is not told. Blocking twice is harmless; an unknown user is 404.
 */
export async function blockUser(ctx: AuthedCtx, userId: string): Promise<void> {
  const me = ctx.actor.userId;
  const other = userId.toLowerCase();
  if (other === me) throw invalid('params.userId', 'must not be yourself');
  await ctx.platform.limits.consume(BLOCK_WRITE_LIMIT, me);
  await withTx(ctx.platform, async ({ tx }) => {
    if (!(await findUserById(tx, other))) throw notFound('User');
    if ((await repo.countBlocks(tx, me)) >= MAX_BLOCKS)
      throw new AppError(ErrorCode.conflict, `A person can block at most ${MAX_BLOCKS} others`);
    await repo.insertBlock(tx, me, other);
  });
}

/** Lifts the caller's block; lifting one that does not exist is harmless. */
export async function unblockUser(ctx: AuthedCtx, userId: string): Promise<void> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(BLOCK_WRITE_LIMIT, me);
  await withTx(ctx.platform, ({ tx }) => repo.deleteBlock(tx, me, userId.toLowerCase()));
}

/** Everyone the caller blocked, newest first (at most `MAX_BLOCKS`, so the list is answered whole). */
export async function listBlocks(ctx: AuthedCtx): Promise<BlockList> {
  const rows = await repo.listBlocks(ctx.platform.db, ctx.actor.userId, MAX_BLOCKS);
  return {
    items: rows.map((r) => ({ userId: r.userId, name: r.name, blockedAt: r.createdAt.toISOString() })),
  };
}
