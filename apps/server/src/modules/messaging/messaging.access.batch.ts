import type { ChannelKind } from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { loadEventAccessAmong } from '../events/index.ts';
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
  const kind = channel.kind as ChannelKind;
  const ids = [...new Set(userIds)];
  if (isPrivateKind(kind)) {
    const rows = ids.length
      ? await q
          .select({ userId: channelMembers.userId })
          .from(channelMembers)
          .where(
            and(
              eq(channelMembers.channelId, channel.id),
              eq(channelMembers.isMember, true),
              sql`${channelMembers.userId} = any(${sql.param(ids)}::uuid[])`,
            ),
          )
      : [];
    const members = new Set(rows.map((r) => r.userId));
    return (userId) => ({ kind, event: null, isMember: members.has(userId) });
  }
  const access = ids.length ? await loadEventAccessAmong(q, channel.eventId!, ids) : null;
  return (userId) => ({ kind, event: access?.accessOf(userId) ?? null, isMember: false });
}

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
