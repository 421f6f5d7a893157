import type { Message } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import {
  createKeyedBatcher,
  type KeyedBatcher,
  type Outcome,
} from '../../platform/batching/keyed-batcher.ts';
import type { Platform } from '../../platform/context.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid, notFound } from '../../platform/errors.ts';
import { channelFactsAmong } from './messaging.access.batch.ts';
import { type ChannelRow, findChannel, lockScopeHead } from './messaging.channels.repository.ts';
import * as repo from './messaging.messages.repository.ts';
import { canPostInChannel, canReadChannel } from './messaging.policy.ts';
import { presentMention, presentMessage } from './messaging.presenter.ts';
import { channelScope, userScope } from './messaging.scopes.ts';
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

/** Up to this many sends of one channel share a transaction; the rest wait for the next one. */
const MAX_BATCH = 200;
const batchers = new WeakMap<Platform, KeyedBatcher<SendIntent, SendOutcome>>();

/**
 * Sends to one channel that arrive together on this node commit together (group commit): the
 * channel's head row is locked once per batch instead of once per message, so a busy channel costs
 * a few transactions per second instead of one per message, and never holds more than one pool
 * connection on this node.
 */
export function submitSend(platform: Platform, channelId: string, intent: SendIntent): Promise<SendOutcome> {
  let batcher = batchers.get(platform);
  if (!batcher) {
    batcher = createKeyedBatcher({
      maxBatch: MAX_BATCH,
      run: (id, items) => runSendBatch(platform, id, items),
    });
    batchers.set(platform, batcher);
  }
  return batcher.submit(channelId, intent);
}

const retryKey = (senderId: string, clientMsgId: string) => `${senderId}\n${clientMsgId}`;

type Decision =
  | { error: unknown }
  | { stored: repo.MessageRow }
  | { firstInBatch: number }
  | { fresh: typeof messages.$inferInsert };

/**
 * One batch, one transaction. The head is locked before the duplicate check, so the check is
 * authoritative across nodes: a retry (even concurrent with its first try) finds the stored message
 * and appends nothing. New messages take consecutive seqs in arrival order, and their change
 * records take the same seqs (the channel scope's seq is the message seq).
 */
async function runSendBatch(
  platform: Platform,
  channelId: string,
  intents: SendIntent[],
): Promise<Outcome<SendOutcome>[]> {
  return withTx(platform, async (work) => {
    const channel = await findChannel(work.tx, channelId);
    if (!channel) return intents.map(() => ({ ok: false, error: notFound('Channel') }));
    const factsOf = await channelFactsAmong(
      work.tx,
      channel,
      intents.map((i) => i.senderId),
    );
    const scope = channelScope(channelId);
    const head = await lockScopeHead(work.tx, scope);
    const stored = await repo.findByClientMsgIds(work.tx, channelId, intents);
    const replyChannels = await repo.channelsOfMessages(
      work.tx,
      intents.flatMap((i) => (i.replyToId ? [i.replyToId] : [])),
    );
    const firstByKey = new Map<string, number>();
    let nextSeq = head;
    const decisions = intents.map((intent, index): Decision => {
      const facts = factsOf(intent.senderId);
      if (!canReadChannel(facts)) return { error: notFound('Channel') };
      const key = retryKey(intent.senderId, intent.clientMsgId);
      const earlier = stored.get(key);
      if (earlier) return { stored: earlier };
      const first = firstByKey.get(key);
      if (first !== undefined) return { firstInBatch: first };
      if (!canPostInChannel(facts))
        return { error: new AppError(ErrorCode.forbidden, 'You may read this channel but not post in it') };
      if (intent.replyToId && replyChannels.get(intent.replyToId) !== channelId)
        return { error: invalid('body.replyToId', 'is not a message of this channel') };
      firstByKey.set(key, index);
      return { fresh: { id: uuidv7(), channelId, seq: ++nextSeq, ...intent } };
    });
    const fresh = decisions.flatMap((d) => ('fresh' in d ? [d.fresh] : []));
    const inserted = await repo.insertMessages(work.tx, fresh);
    const rowById = new Map(inserted.map((row) => [row.id, row]));
    await recordSent(work, channel, inserted);
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
            : rowById.get((decisions[d.firstInBatch] as { fresh: { id: string } }).fresh.id)!;
        const summary = (await repo.reactionsOf(work.tx, [row.id], intents[index]!.senderId)).get(row.id);
        return { ok: true, value: { message: presentMessage(row, summary), created: false } };
      }),
    );
  });
}

/** The channel's `messaging.messageSent` records and the mentioned readers' own records. */
async function recordSent(work: Work, channel: ChannelRow, rows: repo.MessageRow[]) {
  if (!rows.length) return;
  const scope = channelScope(channel.id);
  const changes = await work.appendMany(
    rows.map((row) => ({
      scope,
      entity: 'messaging.messageSent',
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
  const candidates = [...new Set(rows.flatMap((row) => row.mentions.filter((id) => id !== row.senderId)))];
  if (!candidates.length) return;
  const factsOf = await channelFactsAmong(work.tx, channel, candidates);
  const readers = new Set(candidates.filter((userId) => canReadChannel(factsOf(userId))));
  const mentions = rows.flatMap((row) =>
    row.mentions
      .filter((userId) => userId !== row.senderId && readers.has(userId))
      .sort()
      .map((userId) => ({
        scope: userScope(userId),
        entity: 'messaging.mentioned',
        op: 'upsert' as const,
        id: row.id,
        data: presentMention(row, channel.eventId),
        actorId: row.senderId,
      })),
  );
  if (mentions.length) await work.appendMany(mentions);
}
