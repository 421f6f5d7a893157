import type { ChannelKind } from '@muster/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { type EventRow, loadEventAccess } from '../events/index.ts';
import { blockedEitherWay } from '../identity/index.ts';
import { type ChannelRow, findChannel, findMember, memberIdsOf } from './messaging.channels.repository.ts';
import { isUuid } from './messaging.input.ts';
import {
  type ChannelFacts,
  canModerateChannel,
  canPostInChannel,
  canReadChannel,
  isPrivateKind,
} from './messaging.policy.ts';
import { eventRelationsOf } from './messaging.relations.repository.ts';

/** One caller's standing in one channel, loaded once per use case. */
export interface ChannelAccess {
  channel: ChannelRow;
  facts: ChannelFacts;
  canRead: boolean;
  canPost: boolean;
  canModerate: boolean;
}

/** The other person of a DM `userId` belongs to (its `dmKey` is the sorted pair); null otherwise. */
export function dmPartnerOf(channel: ChannelRow, userId: string): string | null {
  if (channel.kind !== 'dm' || !channel.dmKey) return null;
  const pair = channel.dmKey.split(':');
  return pair.includes(userId) ? (pair.find((id) => id !== userId) ?? null) : null;
}

/** The facts the policy needs about `userId` in a channel already loaded. */
export async function accessTo(q: Queryable, channel: ChannelRow, userId: string): Promise<ChannelAccess> {
  const kind = channel.kind as ChannelKind;
  let facts: ChannelFacts;
  if (isPrivateKind(kind)) {
    const member = await findMember(q, channel.id, userId);
    const other = dmPartnerOf(channel, userId);
    const blocked = other !== null && (await blockedEitherWay(q, userId, [other])).size > 0;
    facts = { kind, event: null, isMember: member?.isMember === true, blocked };
  } else {
    facts = { kind, event: await loadEventAccess(q, channel.eventId!, userId), isMember: false };
  }
  return {
    channel,
    facts,
    canRead: canReadChannel(facts),
    canPost: canPostInChannel(facts),
    canModerate: canModerateChannel(facts),
  };
}

/** Null when the channel does not exist (or the id is not even a UUID). */
export async function loadChannelAccess(
  q: Queryable,
  channelId: string,
  userId: string,
): Promise<ChannelAccess | null> {
  if (!isUuid(channelId)) return null;
  const channel = await findChannel(q, channelId.toLowerCase());
  return channel ? accessTo(q, channel, userId) : null;
}

/**
 * Authorise before revealing: `not_found` when the channel is missing or the caller may not read
 * it (the same answer, so ids cannot be probed); `forbidden` when they read but may not post.
 */
export async function requireChannel(
  q: Queryable,
  channelId: string,
  userId: string,
  need: 'read' | 'post',
): Promise<ChannelAccess> {
  const access = await loadChannelAccess(q, channelId, userId);
  if (!access?.canRead) throw notFound('Channel');
  if (need === 'post' && !access.canPost)
    throw new AppError(ErrorCode.forbidden, 'You may read this channel but not post in it');
  return access;
}

/**
 * The gateway's and sync's rule for following `channel:<id>`: null when the user may not read it
 * (or it does not exist), else its event and whether they may post.
 */
export async function channelReadAccess(
  q: Queryable,
  channelId: string,
  userId: string,
): Promise<{ eventId: string | null; canPost: boolean } | null> {
  const access = await loadChannelAccess(q, channelId, userId);
  return access?.canRead ? { eventId: access.channel.eventId, canPost: access.canPost } : null;
}

/** A channel as the batched reader check needs it; `event` is null for DMs and groups. */
export interface ReaderTarget {
  channelId: string;
  kind: ChannelKind;
  event: EventRow | null;
}

/**
 * Which of `userIds` may read the channel, decided by the same policy in a fixed number of queries
 * (mentions notify only people who can open the message; channel news reaches only its readers).
 */
export async function readersAmong(
  q: Queryable,
  target: ReaderTarget,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const { channelId, kind, event } = target;
  if (isPrivateKind(kind)) {
    const members = new Set((await memberIdsOf(q, [channelId])).get(channelId) ?? []);
    return new Set(userIds.filter((id) => members.has(id)));
  }
  if (!event) return new Set();
  const relations = await eventRelationsOf(q, event, userIds);
  return new Set(
    userIds.filter((userId) => {
      const relation = relations.get(userId) ?? { eventRole: null, communityRole: null };
      return canReadChannel({ kind, event: { event, userId, ...relation }, isMember: false });
    }),
  );
}
