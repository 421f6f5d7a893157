import type { Message } from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { Outcome } from '../../platform/batching/keyed-batcher.ts';
import { perNodeBatcher } from '../../platform/batching/per-node-batcher.ts';
import { lockHeadsBeforeAppend } from '../../platform/changes/change-log.ts';
import type { Platform } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { isEventStaff } from '../events/index.ts';
import { blockedPairs, blockPairKey } from '../identity/index.ts';
import { contentRefused, type ScreenInput, screenTexts } from '../moderation/index.ts';
import { channelFactsAcross } from './messaging.access.batch.ts';
import { type ChannelRow, findChannels } from './messaging.channels.repository.ts';
import * as repo from './messaging.messages.repository.ts';
import { raiseMessageNotifications } from './messaging.notify.ts';
import { type ChannelFacts, canPostInChannel, canReadChannel } from './messaging.policy.ts';
import { presentMention, presentMessage } from './messaging.presenter.ts';
import type { messages } from './messaging.tables.ts';

/** One send, already validated field by field; whether the sender may post is decided in the batch. */
export interface SendIntent {
  senderId: string;
  clientMsgId: string;
  body: string;
  mentions: string[];
  replyToId: string | null;
}

export interface SendOutcome {
  message: Message;
  /** False when this `(channel, sender, clientMsgId)` was already stored: a retry. */
  created: boolean;
}

/** Up to this many sends, over all channels, share a transaction; the rest wait for the next one. */
const MAX_ROUND = 500;
/** One batcher key: every send of this node joins the same round, whatever its channel. */
const ROUND = 'sends';

interface QueuedSend extends SendIntent {
  channelId: string;
}
const batcherOf = perNodeBatcher<QueuedSend, SendOutcome>({
  maxBatch: MAX_ROUND,
  run: (platform, _key, sends) => runSendRound(platform, sends),
});

/**
 * Sends that arrive together on this node commit together (group commit), whatever their
 * channels: one transaction locks every head involved once and writes with a fixed number of
 * statements over all of them, so a node under chat load costs a few transactions per second
 * instead of one per message or per channel, and holds one pool connection for sends.
 */
export function submitSend(platform: Platform, channelId: string, intent: SendIntent): Promise<SendOutcome> {
  return batcherOf(platform).submit(ROUND, { ...intent, channelId });
}

type Decision =
  | { error: unknown }
  | { stored: repo.MessageRow }
  | { firstInRound: number }
  | { fresh: typeof messages.$inferInsert }
  | { candidate: true };
/** A decision once screening has turned every candidate into a fresh message or a refusal. */
type Final = Exclude<Decision, { candidate: true }>;

/**
 * One round, one transaction. The heads are locked (in sorted order) before the duplicate check,
 * so the check is authoritative across nodes: a retry (even concurrent with its first try) finds
 * the stored message and appends nothing. New messages of a channel take consecutive seqs in
 * arrival order, and their change records take the same seqs (the channel scope's seq is the
 * message seq). Refusals stay per message.
 */
async function runSendRound(platform: Platform, sends: QueuedSend[]): Promise<Outcome<SendOutcome>[]> {
  return withTx(platform, async (work) => {
    const channelRows = await findChannels(work.tx, [...new Set(sends.map((s) => s.channelId))]);
    const channelById = new Map(channelRows.map((c) => [c.id, c]));
    const known = sends.filter((s) => channelById.has(s.channelId));
    const factsOf = await channelFactsAcross(
      work.tx,
      channelRows,
      known.map((s) => ({ channelId: s.channelId, userId: s.senderId })),
    );
    const heads = await lockHeadsBeforeAppend(
      work.tx,
      channelRows.map((c) => scopes.channel(c.id)),
    );
    const stored = await repo.findByClientMsgIds(work.tx, known);
    const replyChannels = await repo.channelsOfMessages(
      work.tx,
      known.flatMap((s) => (s.replyToId ? [s.replyToId] : [])),
    );
    const firstByKey = new Map<string, number>();
    const nextSeq = new Map(channelRows.map((c) => [c.id, heads.get(scopes.channel(c.id))!]));
    // First every send's own checks; then the new ones in event channels are screened together
    // (moderation's batched filters); only then do the survivors take seqs, so seqs stay gap-free.
    const decide = (send: QueuedSend, index: number): Decision => {
      if (!channelById.has(send.channelId)) return { error: notFound('Channel') };
      const facts = factsOf(send.channelId, send.senderId);
      if (!canReadChannel(facts)) return { error: notFound('Channel') };
      const key = repo.sendKey(send.channelId, send.senderId, send.clientMsgId);
      const earlier = stored.get(key);
      if (earlier) return { stored: earlier };
      const first = firstByKey.get(key);
      if (first !== undefined) return { firstInRound: first };
      if (!canPostInChannel(facts))
        return { error: new AppError(ErrorCode.forbidden, 'You may read this channel but not post in it') };
      if (send.replyToId && replyChannels.get(send.replyToId) !== send.channelId)
        return { error: invalid('body.replyToId', 'is not a message of this channel') };
      firstByKey.set(key, index);
      return { candidate: true };
    };
    const early = sends.map(decide);
    const refusals = await screenSends(work, channelById, factsOf, sends, early);
    const decisions = early.map((d, index): Final => {
      if ('firstInRound' in d) {
        const refused = refusals.get(d.firstInRound);
        return refused ? { error: refused } : d;
      }
      if (!('candidate' in d)) return d;
      const refused = refusals.get(index);
      if (refused) return { error: refused };
      const send = sends[index]!;
      const seq = nextSeq.get(send.channelId)! + 1;
      nextSeq.set(send.channelId, seq);
      const { channelId, senderId, clientMsgId, body, mentions, replyToId } = send;
      return { fresh: { id: uuidv7(), channelId, seq, senderId, clientMsgId, body, mentions, replyToId } };
    });
    const fresh = decisions.flatMap((d) => ('fresh' in d ? [d.fresh] : []));
    const inserted = await repo.insertMessages(work.tx, fresh);
    const rowById = new Map(inserted.map((row) => [row.id, row]));
    await recordSent(work, channelById, inserted);
    return Promise.all(
      decisions.map(async (d, index): Promise<Outcome<SendOutcome>> => {
        if ('error' in d) return { ok: false, error: d.error };
        if ('fresh' in d) {
          const row = rowById.get(d.fresh.id)!;
          return { ok: true, value: { message: presentMessage(row, undefined), created: true } };
        }
        const row =
          'stored' in d
            ? d.stored
            : rowById.get((decisions[d.firstInRound] as { fresh: { id: string } }).fresh.id)!;
        const summary = (await repo.reactionsOf(work.tx, [row.id], sends[index]!.senderId)).get(row.id);
        return { ok: true, value: { message: presentMessage(row, summary), created: false } };
      }),
    );
  });
}

/**
 * New messages in event channels pass the event's moderation filters (moderation's `screenTexts`,
 * in this round's transaction so a flood mute commits with it, a fixed number of statements for
 * the whole round): banned or muted senders get the 403, a text the filters hold is refused with
 * the 422 naming why. Each refusal is that send's alone. DMs and groups have no event, no filters.
 * Answers the refusals by send index.
 */
async function screenSends(
  work: Work,
  channelById: Map<string, ChannelRow>,
  factsOf: (channelId: string, userId: string) => ChannelFacts,
  sends: readonly QueuedSend[],
  early: readonly Decision[],
): Promise<Map<number, AppError>> {
  const screened = early.flatMap((d, index) => {
    const eventId = 'candidate' in d ? channelById.get(sends[index]!.channelId)!.eventId : null;
    return eventId ? [{ index, eventId }] : [];
  });
  const outcomes = await screenTexts(
    work,
    screened.map(({ index, eventId }): ScreenInput => {
      const send = sends[index]!;
      const event = factsOf(send.channelId, send.senderId).event;
      return {
        eventId,
        userId: send.senderId,
        path: 'message',
        text: send.body,
        isStaff: event ? isEventStaff(event) : false,
      };
    }),
  );
  const refusals = new Map<number, AppError>();
  outcomes.forEach((outcome, i) => {
    const { index } = screened[i]!;
    if (outcome.verdict === 'refuse') refusals.set(index, outcome.error);
    else if (outcome.verdict === 'hold') refusals.set(index, contentRefused('body.body', outcome.flags));
  });
  return refusals;
}

/**
 * Each channel's `messaging.messageSent` records, the mentioned readers' own records and the
 * round's notification intents (`messaging.notify.ts`); a mention across a block (either way) is
 * stored in the body but told to nobody.
 */
async function recordSent(work: Work, channelById: Map<string, ChannelRow>, rows: repo.MessageRow[]) {
  if (!rows.length) return;
  const changes = await work.appendMany(
    rows.map((row) => ({
      scope: scopes.channel(row.channelId),
      entity: entities.messaging.messageSent,
      op: 'upsert' as const,
      id: row.id,
      data: presentMessage(row, undefined, false),
      actorId: row.senderId,
    })),
  );
  changes.forEach((change, i) => {
    if (change.seq !== rows[i]!.seq)
      throw new Error(`channel seq drifted: message ${rows[i]!.seq}, change ${change.seq}`);
  });
  const mentioned = rows.flatMap((row) =>
    row.mentions
      .filter((userId) => userId !== row.senderId)
      .map((userId) => ({ channelId: row.channelId, userId })),
  );
  if (!mentioned.length) {
    await raiseMessageNotifications(work, channelById, rows, new Map());
    return;
  }
  const factsOf = await channelFactsAcross(work.tx, [...channelById.values()], mentioned);
  const blocked = await blockedPairs(
    work.tx,
    rows.flatMap((row) =>
      row.senderId ? row.mentions.map((userId): [string, string] => [row.senderId!, userId]) : [],
    ),
  );
  const mentionedUsers = new Map(
    rows.map((row) => [
      row.id,
      row.mentions
        .filter(
          (userId) =>
            userId !== row.senderId &&
            !(row.senderId && blocked.has(blockPairKey(row.senderId, userId))) &&
            canReadChannel(factsOf(row.channelId, userId)),
        )
        .sort(),
    ]),
  );
  const mentions = rows.flatMap((row) =>
    (mentionedUsers.get(row.id) ?? []).map((userId) => ({
      scope: scopes.user(userId),
      entity: entities.messaging.mentioned,
      op: 'upsert' as const,
      id: row.id,
      data: presentMention(row, channelById.get(row.channelId)!.eventId),
      actorId: row.senderId,
    })),
  );
  if (mentions.length) await work.appendMany(mentions);
  await raiseMessageNotifications(work, channelById, rows, mentionedUsers);
}
