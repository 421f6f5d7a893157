import {
  entities,
  MAX_REACTIONS_PER_USER,
  type Message,
  type ReactionsChanged,
  scopes,
} from '@muster/protocol';
import type { AuthedCtx } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode } from '../../platform/errors.ts';
import { assertMayParticipate } from '../moderation/index.ts';
import { checkEmoji } from './messaging.input.ts';
import * as repo from './messaging.messages.repository.ts';
import { requireMessage } from './messaging.messages.service.ts';
import { presentMessage } from './messaging.presenter.ts';

/** Records a reaction change with the message's new totals; the message row lock orders them. */
async function recordChange(work: Work, row: repo.MessageRow, userId: string, emoji: string, added: boolean) {
  const summary = (await repo.reactionsOf(work.tx, [row.id], userId)).get(row.id);
  const data: ReactionsChanged = {
    messageId: row.id,
    channelId: row.channelId,
    userId,
    emoji,
    added,
    reactions: summary?.reactions ?? [],
  };
  await work.append({
    scope: scopes.channel(row.channelId),
    entity: entities.messaging.reactionsChanged,
    op: 'upsert',
    id: row.id,
    data,
    actorId: userId,
  });
  return presentMessage(row, summary);
}

/** `PUT …/reactions/:emoji`: anyone who may read reacts; a repeat changes nothing and records nothing. */
export async function addReaction(ctx: AuthedCtx, messageId: string, rawEmoji: string): Promise<Message> {
  const emoji = checkEmoji('params.emoji', rawEmoji);
  const me = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const { row, access } = await requireMessage(work, messageId, me);
    // A person banned from the event no longer takes part in its channels, reactions included.
    if (access.channel.eventId) await assertMayParticipate(work.tx, access.channel.eventId, me);
    if (row.deletedAt || row.hiddenAt)
      throw new AppError(ErrorCode.conflict, 'A deleted message cannot be reacted to');
    const reaction = { messageId: row.id, emoji, userId: me };
    if ((await repo.countUserReactions(work.tx, row.id, me)) >= MAX_REACTIONS_PER_USER) {
      const summary = (await repo.reactionsOf(work.tx, [row.id], me)).get(row.id);
      if (summary?.mine.includes(emoji)) return presentMessage(row, summary);
      throw new AppError(ErrorCode.conflict, `At most ${MAX_REACTIONS_PER_USER} reactions per message`);
    }
    if (!(await repo.insertReaction(work.tx, reaction)))
      return presentMessage(row, (await repo.reactionsOf(work.tx, [row.id], me)).get(row.id));
    return recordChange(work, row, me, emoji, true);
  });
}

/** `DELETE …/reactions/:emoji`: idempotent; removing what is not there records nothing. */
export async function removeReaction(ctx: AuthedCtx, messageId: string, rawEmoji: string): Promise<Message> {
  const emoji = checkEmoji('params.emoji', rawEmoji);
  const me = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const { row } = await requireMessage(work, messageId, me);
    if (!(await repo.deleteReaction(work.tx, { messageId: row.id, emoji, userId: me })))
      return presentMessage(row, (await repo.reactionsOf(work.tx, [row.id], me)).get(row.id));
    return recordChange(work, row, me, emoji, false);
  });
}
