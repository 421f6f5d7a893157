import { MAX_UNREAD_COUNT } from '@muster/protocol';
import { and, asc, desc, eq, gt, inArray, isNotNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { sessions } from '../agenda/index.ts';
import { channelMembers, channels, messages } from './messaging.tables.ts';

export type ChannelRow = typeof channels.$inferSelect;
export type MemberRow = typeof channelMembers.$inferSelect;

/** A channel row with the caller's markers and counts, as the list queries return it. */
export interface ChannelStateRow {
  channel: ChannelRow;
  isMember: boolean | null;
  lastReadSeq: number | null;
  lastDeliveredSeq: number | null;
  unreadCount: number;
  lastMessageAt: Date | null;
}

// ── Channels ────────────────────────────────────────────────────────────────────────────────────

export async function insertChannel(q: Queryable, values: typeof channels.$inferInsert): Promise<ChannelRow> {
  const [row] = await q.insert(channels).values(values).returning();
  return row!;
}

/** Undefined when a DM with the same key exists (also one created concurrently). */
export async function insertDmChannel(
  q: Queryable,
  values: typeof channels.$inferInsert & { dmKey: string },
): Promise<ChannelRow | undefined> {
  const [row] = await q
    .insert(channels)
    .values(values)
    .onConflictDoNothing({ target: channels.dmKey })
    .returning();
  return row;
}

export async function findChannel(q: Queryable, id: string): Promise<ChannelRow | undefined> {
  const [row] = await q.select().from(channels).where(eq(channels.id, id));
  return row;
}

export async function findChannels(q: Queryable, ids: readonly string[]): Promise<ChannelRow[]> {
  if (!ids.length) return [];
  return q
    .select()
    .from(channels)
    .where(inArray(channels.id, [...new Set(ids)]));
}

export async function findChannelByDmKey(q: Queryable, dmKey: string): Promise<ChannelRow | undefined> {
  const [row] = await q.select().from(channels).where(eq(channels.dmKey, dmKey));
  return row;
}

/** Whether `sessionId` is a session of `eventId` and already has a chat. */
export async function findSessionOfEvent(q: Queryable, sessionId: string, eventId: string) {
  const [row] = await q
    .select({ id: sessions.id, channelId: channels.id })
    .from(sessions)
    .leftJoin(channels, eq(channels.sessionId, sessions.id))
    .where(and(eq(sessions.id, sessionId), eq(sessions.eventId, eventId)));
  return row;
}

// ── Members and markers ─────────────────────────────────────────────────────────────────────────

export async function insertMembers(q: Queryable, channelId: string, userIds: readonly string[]) {
  await q
    .insert(channelMembers)
    .values(userIds.map((userId) => ({ channelId, userId, isMember: true })))
    .onConflictDoNothing();
}

export async function findMember(
  q: Queryable,
  channelId: string,
  userId: string,
  options: { forUpdate?: boolean } = {},
): Promise<MemberRow | undefined> {
  const query = q
    .select()
    .from(channelMembers)
    .where(and(eq(channelMembers.channelId, channelId), eq(channelMembers.userId, userId)));
  const [row] = options.forUpdate ? await query.for('no key update') : await query;
  return row;
}

/**
 * The caller's member row, locked until the transaction ends, created (markers at 0, not a
 * member) when absent: concurrent receipts of one user in one channel then decide one after the
 * other whether a marker moved, so a move is recorded once.
 */
export async function lockMember(q: Queryable, channelId: string, userId: string): Promise<MemberRow> {
  const existing = await findMember(q, channelId, userId, { forUpdate: true });
  if (existing) return existing;
  await q.insert(channelMembers).values({ channelId, userId }).onConflictDoNothing();
  return (await findMember(q, channelId, userId, { forUpdate: true }))!;
}

/** Member ids of DMs and groups, per channel (channels without members are absent). */
export async function memberIdsOf(
  q: Queryable,
  channelIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (!channelIds.length) return result;
  const rows = await q
    .select({ channelId: channelMembers.channelId, userId: channelMembers.userId })
    .from(channelMembers)
    .where(and(inArray(channelMembers.channelId, [...channelIds]), eq(channelMembers.isMember, true)))
    .orderBy(asc(channelMembers.createdAt), asc(channelMembers.userId));
  for (const row of rows) result.set(row.channelId, [...(result.get(row.channelId) ?? []), row.userId]);
  return result;
}

/** The delivered and read markers of a DM's or group's members other than `userId`. */
export async function othersMarkers(q: Queryable, channelId: string, userId: string) {
  return q
    .select({
      userId: channelMembers.userId,
      deliveredSeq: channelMembers.lastDeliveredSeq,
      readSeq: channelMembers.lastReadSeq,
    })
    .from(channelMembers)
    .where(
      and(
        eq(channelMembers.channelId, channelId),
        eq(channelMembers.isMember, true),
        ne(channelMembers.userId, userId),
      ),
    )
    .orderBy(asc(channelMembers.userId));
}

/**
 * Moves the markers forward only (`greatest`), creating the row on a first receipt. The returned
 * row is the truth even when two devices of one user report at once.
 */
export async function advanceMarkers(
  q: Queryable,
  channelId: string,
  userId: string,
  markers: { deliveredSeq: number; readSeq: number },
): Promise<MemberRow> {
  const [row] = await q
    .insert(channelMembers)
    .values({ channelId, userId, lastDeliveredSeq: markers.deliveredSeq, lastReadSeq: markers.readSeq })
    .onConflictDoUpdate({
      target: [channelMembers.channelId, channelMembers.userId],
      set: {
        lastDeliveredSeq: sql`greatest(${channelMembers.lastDeliveredSeq}, excluded.last_delivered_seq)`,
        lastReadSeq: sql`greatest(${channelMembers.lastReadSeq}, excluded.last_read_seq)`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

// ── Lists with unread counts ────────────────────────────────────────────────────────────────────

/** Messages by others after the caller's read marker, not deleted, counted up to MAX_UNREAD_COUNT. */
const unreadCount = (userId: string) =>
  sql<number>`(select count(*)::int from (select 1 from ${messages}
    where ${messages.channelId} = ${channels.id}
      and ${messages.seq} > coalesce(${channelMembers.lastReadSeq}, 0)
      and ${messages.deletedAt} is null
      and ${messages.hiddenAt} is null
      and ${messages.senderId} is distinct from ${userId}
    limit ${MAX_UNREAD_COUNT}) as unread)`;

const lastMessageAt = () =>
  sql`(select max(${messages.createdAt}) from ${messages} where ${messages.channelId} = ${channels.id})`;

const stateColumns = (userId: string) => ({
  channel: channels,
  isMember: channelMembers.isMember,
  lastReadSeq: channelMembers.lastReadSeq,
  lastDeliveredSeq: channelMembers.lastDeliveredSeq,
  unreadCount: unreadCount(userId),
  lastMessageAt: lastMessageAt().mapWith(channels.createdAt) as SQL<Date | null>,
});

/** The channels of one event of the given kinds, oldest first (ids are UUIDv7), after `afterId`. */
export async function listEventChannels(
  q: Queryable,
  eventId: string,
  userId: string,
  page: { kinds: readonly string[]; afterId: string | null; limit: number },
): Promise<ChannelStateRow[]> {
  if (!page.kinds.length) return [];
  return q
    .select(stateColumns(userId))
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, userId)),
    )
    .where(
      and(
        eq(channels.eventId, eventId),
        inArray(channels.kind, [...page.kinds]),
        page.afterId ? gt(channels.id, page.afterId) : undefined,
      ),
    )
    .orderBy(asc(channels.id))
    .limit(page.limit);
}

/** One channel with the caller's state. */
export async function findChannelState(
  q: Queryable,
  channelId: string,
  userId: string,
): Promise<ChannelStateRow | undefined> {
  const [row] = await q
    .select(stateColumns(userId))
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, userId)),
    )
    .where(eq(channels.id, channelId));
  return row;
}

/** Last activity in microseconds since the epoch: an exact integer key (a Date keeps only milliseconds). */
const activityMicros = () =>
  sql`(extract(epoch from coalesce(${lastMessageAt()}, ${channels.createdAt})) * 1000000)::bigint`;

/**
 * My DMs and groups, and the event channels where I have markers, most recent activity first,
 * after the keyset cursor `(activity in µs, id)`.
 */
export async function listMyChannels(
  q: Queryable,
  userId: string,
  page: { after: readonly [number, string] | null; limit: number },
): Promise<(ChannelStateRow & { activity: number })[]> {
  return q
    .select({ ...stateColumns(userId), activity: activityMicros().mapWith(Number) as SQL<number> })
    .from(channelMembers)
    .innerJoin(channels, eq(channels.id, channelMembers.channelId))
    .where(
      and(
        eq(channelMembers.userId, userId),
        or(eq(channelMembers.isMember, true), isNotNull(channels.eventId)),
        page.after
          ? sql`(${activityMicros()}, ${channels.id}) < (${page.after[0]}, ${page.after[1]})`
          : undefined,
      ),
    )
    .orderBy(sql`${activityMicros()} desc`, desc(channels.id))
    .limit(page.limit);
}
