import type { EditMessageBody, Message, MessageListQuery, MessagePage } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { readHeads } from '../../platform/changes/change-log.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { isEventStaff } from '../events/index.ts';
import { blockedEitherWay } from '../identity/index.ts';
import { contentRefused, screenText } from '../moderation/index.ts';
import { type ChannelAccess, loadChannelAccess, readersAmong, requireChannel } from './messaging.access.ts';
import { checkClientMsgId, checkMessageBody, checkUuid, parseMentions } from './messaging.input.ts';
import * as repo from './messaging.messages.repository.ts';
import { presentMention, presentMessage } from './messaging.presenter.ts';
import { submitSend } from './messaging.send.batch.ts';

export interface SendInput {
  channelId: string;
  clientMsgId: string;
  body: string;
  replyToId?: string | null | undefined;
}

/** 30 messages per 10 s per person, across all channels and nodes. */
export const SEND_LIMIT = { name: 'message-send', points: 30, durationSeconds: 10 };

/** Tells mentioned readers (other than the author, and nobody across a block) on their own scope, once per message. */
async function notifyMentions(
  work: Work,
  access: ChannelAccess,
  row: repo.MessageRow,
  userIds: readonly string[],
  actorId: string,
) {
  const blocked = await blockedEitherWay(work.tx, actorId, userIds);
  const candidates = userIds.filter((id) => id !== actorId && !blocked.has(id));
  const readers = await readersAmong(
    work.tx,
    { channelId: access.channel.id, kind: access.facts.kind, event: access.facts.event?.event ?? null },
    candidates,
  );
  if (!readers.size) return;
  const data = presentMention(row, access.channel.eventId);
  await work.appendMany(
    [...readers].sort().map((userId) => ({
      scope: scopes.user(userId),
      entity: entities.messaging.mentioned,
      op: 'upsert' as const,
      id: row.id,
      data,
      actorId,
    })),
  );
}

/** An edit in an event channel passes the event's filters like a send (a refusal is the 422). */
async function screenMessage(work: Work, access: ChannelAccess, userId: string, text: string) {
  const eventId = access.channel.eventId;
  if (!eventId) return;
  const isStaff = access.facts.event ? isEventStaff(access.facts.event) : false;
  const verdict = await screenText(work, { eventId, userId, path: 'message', text, isStaff });
  if (verdict.verdict === 'hold') throw contentRefused('body.body', verdict.flags);
}

async function present(q: Queryable, row: repo.MessageRow, viewerId: string): Promise<Message> {
  return presentMessage(row, (await repo.reactionsOf(q, [row.id], viewerId)).get(row.id));
}

/**
 * Sends a message exactly once per `(channel, sender, clientMsgId)` through the channel's group
 * commit (`messaging.send.batch.ts`), which decides access, retries and seqs under the channel's
 * head lock. A retry of a stored message spends no rate-limit point: its point is refunded, and
 * over the limit the store is asked first. Not asking the store before every send saves one of the
 * ~4 statements a message costs, which on the embedded database is the chat throughput.
 */
export async function sendWithOutcome(
  ctx: AuthedCtx,
  input: SendInput,
): Promise<{ message: Message; created: boolean }> {
  const channelId = checkUuid('body.channelId', input.channelId);
  const clientMsgId = checkClientMsgId('body.clientMsgId', input.clientMsgId);
  const body = checkMessageBody('body.body', input.body);
  const mentions = parseMentions('body.body', body);
  const replyToId =
    input.replyToId === undefined || input.replyToId === null
      ? null
      : checkUuid('body.replyToId', input.replyToId);
  const me = ctx.actor.userId;
  const db = ctx.platform.db;
  try {
    await ctx.platform.limits.consume(SEND_LIMIT, me);
  } catch (error) {
    const earlier = isRateLimited(error)
      ? await repo.findByClientMsgId(db, channelId, me, clientMsgId)
      : undefined;
    if (!earlier) throw error;
    await requireChannel(db, channelId, me, 'read');
    return { message: await present(db, earlier, me), created: false };
  }
  const outcome = await submitSend(ctx.platform, channelId, {
    senderId: me,
    clientMsgId,
    body,
    mentions,
    replyToId,
  });
  if (!outcome.created) await ctx.platform.limits.refund(SEND_LIMIT, me);
  return outcome;
}

const isRateLimited = (error: unknown) => error instanceof AppError && error.code === ErrorCode.rate_limited;

/** The gateway's `message.send`: the committed message, with the seq that is its delivery confirmation. */
export async function sendMessage(ctx: AuthedCtx, input: SendInput): Promise<Message> {
  return (await sendWithOutcome(ctx, input)).message;
}

/** A page of the channel by seq; tombstones included. `head` is read first, so following it misses nothing. */
export async function listMessages(
  ctx: AuthedCtx,
  channelId: string,
  query: MessageListQuery,
): Promise<MessagePage> {
  const q = ctx.platform.db;
  const me = ctx.actor.userId;
  const { channel } = await requireChannel(q, channelId, me, 'read');
  if (query.after !== undefined && query.before !== undefined && query.before <= query.after)
    throw invalid('querystring.before', 'must be greater than after');
  const scope = scopes.channel(channel.id);
  const head = (await readHeads(q, [scope]))[scope] ?? 0;
  const limit = query.limit ?? 50;
  const rows = await repo.listMessages(q, channel.id, {
    after: query.after,
    before: query.before,
    head,
    limit: limit + 1,
  });
  const forward = query.after !== undefined;
  // One extra row tells whether another page exists; it is dropped from the far end.
  const items = rows.length > limit ? (forward ? rows.slice(0, limit) : rows.slice(1)) : rows;
  const edge = forward ? items.at(-1) : items[0];
  const summaries = await repo.reactionsOf(
    q,
    items.map((r) => r.id),
    me,
  );
  return {
    items: items.map((row) => presentMessage(row, summaries.get(row.id))),
    nextCursor: rows.length > limit && edge ? String(edge.seq) : null,
    head,
  };
}

/**
 * Loads a message for a change by the caller, locked until commit; 404 unless they may read its
 * channel (a message id reveals nothing to others).
 */
export async function requireMessage(work: Work, messageId: string, userId: string) {
  const id = checkUuid('params.id', messageId);
  const row = await repo.findMessage(work.tx, id, { forUpdate: true });
  if (!row) throw notFound('Message');
  const access = await loadChannelAccess(work.tx, row.channelId, userId);
  if (!access?.canRead) throw notFound('Message');
  return { row, access };
}

/**
 * Only the sender edits, while they may still post there; a deleted message stays deleted. An edit
 * that changes nothing records nothing. People newly mentioned by the edit are told.
 */
export async function editMessage(
  ctx: AuthedCtx,
  messageId: string,
  input: EditMessageBody,
): Promise<Message> {
  const body = checkMessageBody('body.body', input.body);
  const mentions = parseMentions('body.body', body);
  const me = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const { row, access } = await requireMessage(work, messageId, me);
    if (row.senderId !== me) throw new AppError(ErrorCode.forbidden, 'Only the sender may edit a message');
    if (!access.canPost) throw new AppError(ErrorCode.forbidden, 'You may no longer post in this channel');
    if (row.deletedAt || row.hiddenAt)
      throw new AppError(ErrorCode.conflict, 'A deleted message cannot be edited');
    if (row.body === body) return present(work.tx, row, me);
    await screenMessage(work, access, me, body);
    const updated = await repo.updateMessage(work.tx, row.id, { body, mentions, editedAt: new Date() });
    const summary = (await repo.reactionsOf(work.tx, [row.id], me)).get(row.id);
    await work.append({
      scope: scopes.channel(row.channelId),
      entity: entities.messaging.messageEdited,
      op: 'upsert',
      id: row.id,
      data: presentMessage(updated, summary, false),
      actorId: me,
    });
    const known = new Set(row.mentions);
    await notifyMentions(
      work,
      access,
      updated,
      mentions.filter((id) => !known.has(id)),
      me,
    );
    return presentMessage(updated, summary);
  });
}

/**
 * The sender deletes their own message; event staff delete anyone's in event channels
 * (moderation). The row stays as a tombstone: body, mentions and reactions are cleared, and the
 * record is an upsert of the tombstone (`deleted: true`) so clients replace the message in place.
 * Deleting twice is a no-op.
 */
export async function deleteMessage(ctx: AuthedCtx, messageId: string): Promise<Message> {
  const me = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const { row, access } = await requireMessage(work, messageId, me);
    if (row.senderId !== me && !access.canModerate)
      throw new AppError(ErrorCode.forbidden, 'Only the sender or event staff may delete a message');
    if (row.deletedAt) return presentMessage(row, undefined);
    return { ...(await tombstone(work, row, me)), myReactions: [] };
  });
}

/**
 * The one path by which a message leaves every client: the sender's delete, a moderator's delete
 * (`clear`: body gone for good) or a moderator's hide (body kept for a restore). Either way the
 * record is a `messaging.messageDeleted` upsert of the tombstone on the channel scope.
 */
export async function tombstone(
  work: Work,
  row: repo.MessageRow,
  actorId: string,
  how: 'delete' | 'hide' = 'delete',
): Promise<Message> {
  const now = new Date();
  const gone =
    how === 'delete'
      ? await repo.updateMessage(work.tx, row.id, { body: '', mentions: [], deletedAt: now })
      : await repo.updateMessage(work.tx, row.id, { hiddenAt: now });
  if (how === 'delete') await repo.deleteReactionsOf(work.tx, row.id);
  const message = presentMessage(gone, undefined, false);
  await work.append({
    scope: scopes.channel(row.channelId),
    entity: entities.messaging.messageDeleted,
    op: 'upsert',
    id: row.id,
    data: message,
    actorId,
  });
  return message;
}

/** A moderator's restore of a hidden message: back in place, as an edit record (`messaging.messageEdited`). */
export async function unhide(work: Work, row: repo.MessageRow, actorId: string): Promise<Message> {
  const shown = await repo.updateMessage(work.tx, row.id, { hiddenAt: null });
  const summary = (await repo.reactionsOf(work.tx, [row.id], actorId)).get(row.id);
  const message = presentMessage(shown, summary, false);
  await work.append({
    scope: scopes.channel(row.channelId),
    entity: entities.messaging.messageEdited,
    op: 'upsert',
    id: row.id,
    data: message,
    actorId,
  });
  return message;
}
