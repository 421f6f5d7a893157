import type { ChannelKind } from '@muster/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import { loadEventAccessAmong } from '../events/index.ts';
import { findChannel } from './messaging.channels.repository.ts';
import { isUuid } from './messaging.input.ts';
import { canReadChannel, isPrivateKind } from './messaging.policy.ts';
import { channelMembers } from './messaging.tables.ts';

/**
 * `channelReadAccess(q, channelId, userId) !== null` for many users at once: which of `userIds`
 * may follow `channel:<id>`. The same facts and the same `canReadChannel` as the per-user path
 * (membership for DMs and groups, the caller's `EventAccess` for event channels), loaded in at
 * most four queries whatever the number of users. Empty when the channel does not exist.
 */
export async function channelReadersAmong(
  q: Queryable,
  channelId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (!userIds.length || !isUuid(channelId)) return new Set();
  const channel = await findChannel(q, channelId.toLowerCase());
  if (!channel) return new Set();
  const kind = channel.kind as ChannelKind;
  const ids = [...new Set(userIds)];
  if (isPrivateKind(kind)) {
    const rows = await q
      .select({ userId: channelMembers.userId })
      .from(channelMembers)
      .where(
        and(
          eq(channelMembers.channelId, channel.id),
          eq(channelMembers.isMember, true),
          sql`${channelMembers.userId} = any(${sql.param(ids)}::uuid[])`,
        ),
      );
    return new Set(rows.map((r) => r.userId));
  }
  const access = await loadEventAccessAmong(q, channel.eventId!, ids);
  return new Set(
    ids.filter((userId) =>
      canReadChannel({ kind, event: access?.accessOf(userId) ?? null, isMember: false }),
    ),
  );
}
