import type { ChannelKind } from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { type EventAccessAmong, loadEventAccessAmong } from '../events/index.ts';
import { blockedPairs, blockPairKey } from '../identity/index.ts';
import { dmPartnerOf } from './messaging.access.ts';
import { type ChannelRow, findChannel } from './messaging.channels.repository.ts';
import { isUuid } from './messaging.input.ts';
import { type ChannelFacts, canReadChannel, isPrivateKind } from './messaging.policy.ts';
import { channelMembers } from './messaging.tables.ts';

/**
 * The facts the channel policy needs about each of `userIds` in a channel already loaded, in one
 * statement whatever their number: membership for DMs and groups, the `EventAccess` of each user
 * for event channels (the same facts the per-user path loads).
 */
export async function channelFactsAmong(
  q: Queryable,
  channel: ChannelRow,
  userIds: readonly string[],
): Promise<(userId: string) => ChannelFacts> {
  const factsOf = await channelFactsAcross(
    q,
    [channel],
    userIds.map((userId) => ({ channelId: channel.id, userId })),
  );
  return (userId) => factsOf(channel.id, userId);
}

/**
 * The same facts for `(channel, user)` pairs over many channels already loaded: one statement for
 * all the DMs and groups, one for the blocks between DM partners, one per distinct event of the
 * event channels, whatever the number of pairs (a send round over every busy channel of a node).
 */
export async function channelFactsAcross(
  q: Queryable,
  channelRows: readonly ChannelRow[],
  pairs: readonly { channelId: string; userId: string }[],
): Promise<(channelId: string, userId: string) => ChannelFacts> {
  const byId = new Map(channelRows.map((c) => [c.id, c]));
  const privateIds = new Set<string>();
  const privateUsers = new Set<string>();
  const usersByEvent = new Map<string, Set<string>>();
  for (const { channelId, userId } of pairs) {
    const channel = byId.get(channelId);
    if (!channel) throw new Error(`channel ${channelId} was not loaded`);
    if (isPrivateKind(channel.kind as ChannelKind)) {
      privateIds.add(channelId);
      privateUsers.add(userId);
    } else {
      const users = usersByEvent.get(channel.eventId!) ?? new Set<string>();
      users.add(userId);
      usersByEvent.set(channel.eventId!, users);
    }
  }
  const memberRows = privateIds.size
    ? await q
        .select({ channelId: channelMembers.channelId, userId: channelMembers.userId })
        .from(channelMembers)
        .where(
          and(
            sql`${channelMembers.channelId} = any(${sql.param([...privateIds])}::uuid[])`,
            eq(channelMembers.isMember, true),
            sql`${channelMembers.userId} = any(${sql.param([...privateUsers])}::uuid[])`,
          ),
        )
    : [];
  const members = new Set(memberRows.map((r) => pairKey(r.channelId, r.userId)));
  const dmPairs = pairs.flatMap(({ channelId, userId }): [string, string][] => {
    const other = dmPartnerOf(byId.get(channelId)!, userId);
    return other ? [[userId, other]] : [];
  });
  const blocked = await blockedPairs(q, dmPairs);
  const accessByEvent = new Map<string, EventAccessAmong | null>();
  for (const [eventId, users] of usersByEvent)
    accessByEvent.set(eventId, await loadEventAccessAmong(q, eventId, [...users]));
  return (channelId, userId) => {
    const channel = byId.get(channelId)!;
    const kind = channel.kind as ChannelKind;
    if (isPrivateKind(kind)) {
      const other = dmPartnerOf(channel, userId);
      const isMember = members.has(pairKey(channelId, userId));
      return {
        kind,
        event: null,
        isMember,
        blocked: other !== null && blocked.has(blockPairKey(userId, other)),
      };
    }
    const access = accessByEvent.get(channel.eventId!);
    return { kind, event: access?.accessOf(userId) ?? null, isMember: false };
  };
}

/** Ids arrive lowercased from the input checks, as the database returns them. */
const pairKey = (channelId: string, userId: string) => `${channelId}\n${userId}`;

/**
 * `channelReadAccess(q, channelId, userId) !== null` for many users at once: which of `userIds`
 * may follow `channel:<id>`. Empty when the channel does not exist.
 */
export async function channelReadersAmong(
  q: Queryable,
  channelId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (!userIds.length || !isUuid(channelId)) return new Set();
  const channel = await findChannel(q, channelId.toLowerCase());
  if (!channel) return new Set();
  const factsOf = await channelFactsAmong(q, channel, userIds);
  return new Set(userIds.filter((userId) => canReadChannel(factsOf(userId))));
}
