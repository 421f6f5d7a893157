import type { ReactionCount } from '@muster/protocol';
import { and, asc, count, desc, eq, gt, inArray, lt, lte, max, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { messages, reactions } from './messaging.tables.ts';

export type MessageRow = typeof messages.$inferSelect;

export async function findMessage(
  q: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<MessageRow | undefined> {
  const query = q.select().from(messages).where(eq(messages.id, id));
  const [row] = options.forUpdate ? await query.for('no key update') : await query;
  return row;
}

export async function findByClientMsgId(
  q: Queryable,
  channelId: string,
  senderId: string,
  clientMsgId: string,
): Promise<MessageRow | undefined> {
  const [row] = await q
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.channelId, channelId),
        eq(messages.senderId, senderId),
        eq(messages.clientMsgId, clientMsgId),
      ),
    );
  return row;
}

/** The key of a send: a retry of it has the same one. */
export const sendKey = (channelId: string, senderId: string | null, clientMsgId: string) =>
  `${channelId}\n${senderId}\n${clientMsgId}`;

/**
 * Stored messages for these `(channel, sender, clientMsgId)` triples, over any number of channels
 * in one statement, keyed by `sendKey`.
 */
export async function findByClientMsgIds(
  q: Queryable,
  sends: readonly { channelId: string; senderId: string; clientMsgId: string }[],
): Promise<Map<string, MessageRow>> {
  const result = new Map<string, MessageRow>();
  if (!sends.length) return result;
  const rows = await q
    .select()
    .from(messages)
    .where(
      and(
        inArray(messages.channelId, [...new Set(sends.map((p) => p.channelId))]),
        inArray(messages.clientMsgId, [...new Set(sends.map((p) => p.clientMsgId))]),
      ),
    );
  const wanted = new Set(sends.map((p) => sendKey(p.channelId, p.senderId, p.clientMsgId)));
  for (const row of rows) {
    const key = sendKey(row.channelId, row.senderId, row.clientMsgId);
    if (wanted.has(key)) result.set(key, row);
  }
  return result;
}

/** The channel of each of `ids` that exists (reply targets must be in the same channel). */
export async function channelsOfMessages(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await q
    .select({ id: messages.id, channelId: messages.channelId })
    .from(messages)
    .where(inArray(messages.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r.channelId]));
}

/**
 * Inserts new messages in one statement. The caller holds their channels' head locks and has already
 * excluded retries, so a conflict here is a bug and fails the batch rather than losing a message.
 */
export async function insertMessages(
  q: Queryable,
  values: (typeof messages.$inferInsert)[],
): Promise<MessageRow[]> {
  if (!values.length) return [];
  const rows = await q.insert(messages).values(values).returning();
  const byKey = new Map(rows.map((row) => [`${row.channelId}\n${row.seq}`, row]));
  return values.map((v) => byKey.get(`${v.channelId}\n${v.seq}`)!);
}

export async function updateMessage(
  q: Queryable,
  id: string,
  values: Partial<typeof messages.$inferInsert>,
): Promise<MessageRow> {
  const [row] = await q.update(messages).set(values).where(eq(messages.id, id)).returning();
  return row!;
}

/**
 * A page of a channel by seq, always returned in seq order. With `after` it reads forward from
 * there; otherwise it reads back from `before` (or from `head`) and keeps the newest `limit`.
 */
export async function listMessages(
  q: Queryable,
  channelId: string,
  page: { after?: number | undefined; before?: number | undefined; head: number; limit: number },
): Promise<MessageRow[]> {
  const where = and(
    eq(messages.channelId, channelId),
    lte(messages.seq, page.head),
    page.before !== undefined ? lt(messages.seq, page.before) : undefined,
    page.after !== undefined ? gt(messages.seq, page.after) : undefined,
  );
  if (page.after !== undefined)
    return q.select().from(messages).where(where).orderBy(asc(messages.seq)).limit(page.limit);
  const rows = await q.select().from(messages).where(where).orderBy(desc(messages.seq)).limit(page.limit);
  return rows.reverse();
}

/** The seq of the newest message at or before `seq` (0 if none): receipts point at messages. */
export async function lastMessageSeqAtOrBefore(
  q: Queryable,
  channelId: string,
  seq: number,
): Promise<number> {
  const [row] = await q
    .select({ seq: max(messages.seq) })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), lte(messages.seq, seq)));
  return Number(row?.seq ?? 0);
}

// ── Reactions ───────────────────────────────────────────────────────────────────────────────────

export interface ReactionSummary {
  reactions: ReactionCount[];
  mine: string[];
}

/** Totals per emoji (in order of first use) and the caller's own, for each of `messageIds`. */
export async function reactionsOf(
  q: Queryable,
  messageIds: readonly string[],
  userId: string | null,
): Promise<Map<string, ReactionSummary>> {
  const result = new Map<string, ReactionSummary>();
  if (!messageIds.length) return result;
  const rows = await q
    .select({
      messageId: reactions.messageId,
      emoji: reactions.emoji,
      count: count(),
      mine: userId ? sql<boolean>`bool_or(${reactions.userId} = ${userId})` : sql<boolean>`false`,
    })
    .from(reactions)
    .where(inArray(reactions.messageId, [...messageIds]))
    .groupBy(reactions.messageId, reactions.emoji)
    .orderBy(sql`min(${reactions.createdAt})`, asc(reactions.emoji));
  for (const row of rows) {
    const summary = result.get(row.messageId) ?? { reactions: [], mine: [] };
    summary.reactions.push({ emoji: row.emoji, count: Number(row.count) });
    if (row.mine) summary.mine.push(row.emoji);
    result.set(row.messageId, summary);
  }
  return result;
}

/** False when the reaction was already there: a repeated PUT changes nothing. */
export async function insertReaction(
  q: Queryable,
  values: { messageId: string; emoji: string; userId: string },
): Promise<boolean> {
  const rows = await q
    .insert(reactions)
    .values(values)
    .onConflictDoNothing()
    .returning({ emoji: reactions.emoji });
  return rows.length > 0;
}

export async function deleteReaction(
  q: Queryable,
  values: { messageId: string; emoji: string; userId: string },
): Promise<boolean> {
  const rows = await q
    .delete(reactions)
    .where(
      and(
        eq(reactions.messageId, values.messageId),
        eq(reactions.emoji, values.emoji),
        eq(reactions.userId, values.userId),
      ),
    )
    .returning({ emoji: reactions.emoji });
  return rows.length > 0;
}

export async function countUserReactions(q: Queryable, messageId: string, userId: string): Promise<number> {
  const [row] = await q
    .select({ n: count() })
    .from(reactions)
    .where(and(eq(reactions.messageId, messageId), eq(reactions.userId, userId)));
  return Number(row?.n ?? 0);
}

export async function deleteReactionsOf(q: Queryable, messageId: string): Promise<void> {
  await q.delete(reactions).where(eq(reactions.messageId, messageId));
}
