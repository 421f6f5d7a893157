import { scopes } from '@muster/protocol';
import { and, eq, gte, inArray } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { eventRoles, findEvent, rsvps } from '../events/index.ts';
import { users } from '../identity/index.ts';
import {
  type NotificationIntent,
  raiseNotifications,
  registerAudience,
  registerSeenCheck,
} from '../notifications/index.ts';
import { tickets } from '../tickets/index.ts';
import { readersAmong } from './messaging.access.ts';
import { type ChannelRow, findChannels, memberIdsOf } from './messaging.channels.repository.ts';
import type { MessageRow } from './messaging.messages.repository.ts';
import { isPrivateKind } from './messaging.policy.ts';
import { channelMembers, messages } from './messaging.tables.ts';

const CHANNEL_READERS = 'messaging.channelReaders';
const MESSAGE_AUTHOR = 'messaging.messageAuthor';
const CHANNEL_READ = 'messaging.channelRead';

/** Everyone with a relation to the event: an RSVP, a role or a ticket. */
async function eventParticipants(q: Queryable, eventId: string): Promise<string[]> {
  const [withRsvp, withRole, withTicket] = await Promise.all([
    q
      .select({ userId: rsvps.userId })
      .from(rsvps)
      .where(and(eq(rsvps.eventId, eventId), inArray(rsvps.status, ['going', 'interested', 'waitlisted']))),
    q.select({ userId: eventRoles.userId }).from(eventRoles).where(eq(eventRoles.eventId, eventId)),
    q
      .select({ userId: tickets.holderId })
      .from(tickets)
      .where(and(eq(tickets.eventId, eventId), eq(tickets.status, 'valid'))),
  ]);
  return [...new Set([...withRsvp, ...withRole, ...withTicket].flatMap((r) => (r.userId ? [r.userId] : [])))];
}

/** Who may read the channel now: its members (DMs, groups) or the event's readers of that kind. */
async function channelReaders(q: Queryable, channelId: string): Promise<string[]> {
  const [channel] = await findChannels(q, [channelId]);
  if (!channel) return [];
  if (isPrivateKind(channel.kind as never)) return (await memberIdsOf(q, [channelId])).get(channelId) ?? [];
  const event = channel.eventId ? await findEvent(q, channel.eventId) : undefined;
  if (!event) return [];
  const target = { channelId, kind: channel.kind as never, event };
  return [...(await readersAmong(q, target, await eventParticipants(q, event.id)))];
}

/** The author of a message, while they may still read its channel (a reply tells them). */
async function messageAuthor(q: Queryable, messageId: string): Promise<string[]> {
  const [parent] = await q.select().from(messages).where(eq(messages.id, messageId));
  if (!parent?.senderId) return [];
  const [channel] = await findChannels(q, [parent.channelId]);
  if (!channel) return [];
  const event = channel.eventId ? await findEvent(q, channel.eventId) : null;
  const target = { channelId: channel.id, kind: channel.kind as never, event: event ?? null };
  return [...(await readersAmong(q, target, [parent.senderId]))];
}

registerAudience(CHANNEL_READERS, channelReaders);
registerAudience(MESSAGE_AUTHOR, messageAuthor);
// Someone whose read marker is at or past the message has seen it: no notification.
registerSeenCheck(CHANNEL_READ, async (q, channelId, seq, userIds) => {
  const rows = await q
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .where(
      and(
        eq(channelMembers.channelId, channelId),
        inArray(channelMembers.userId, [...userIds]),
        gte(channelMembers.lastReadSeq, seq),
      ),
    );
  return new Set(rows.map((r) => r.userId));
});

const label = (channel: ChannelRow) => (channel.name ? `#${channel.name}` : 'a chat');

/**
 * What a round of new messages tells people (E4): a DM is critical (at once, also in quiet hours),
 * a group message, an announcement, a mention or a reply to your message is normal; plain chatter
 * in event channels tells nobody (the Messages badge shows it). Intents are grouped per channel, so
 * a burst becomes "12 new messages in #general" on each phone, not 12 pushes.
 */
export async function raiseMessageNotifications(
  work: Work,
  channelById: Map<string, ChannelRow>,
  sent: readonly MessageRow[],
  mentioned: ReadonlyMap<string, readonly string[]>,
): Promise<void> {
  // Plain chatter tells nobody: a round of it costs no statement here (the chat hot path).
  const rows = sent.filter((row) => {
    const kind = channelById.get(row.channelId)?.kind;
    return (
      row.senderId &&
      (kind === 'dm' ||
        kind === 'group' ||
        kind === 'announcements' ||
        row.replyToId ||
        mentioned.get(row.id)?.length)
    );
  });
  if (!rows.length) return;
  const senderIds = [...new Set(rows.flatMap((r) => (r.senderId ? [r.senderId] : [])))];
  const names = new Map(
    senderIds.length
      ? (
          await work.tx
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(inArray(users.id, senderIds))
        ).map((u) => [u.id, u.name])
      : [],
  );
  const intents: NotificationIntent[] = [];
  for (const row of rows) {
    const channel = channelById.get(row.channelId);
    if (!channel || !row.senderId) continue;
    const sender = names.get(row.senderId) ?? 'Someone';
    const groupKey = scopes.channel(channel.id);
    const base = {
      actorId: row.senderId,
      groupKey,
      body: row.body,
      url: `/channels/${channel.id}`,
      muteScopes: channel.eventId ? [groupKey, scopes.event(channel.eventId)] : [groupKey],
      seen: { check: CHANNEL_READ, id: channel.id, seq: row.seq },
      data: { channelId: channel.id, messageId: row.id, seq: row.seq },
      occurredAt: row.createdAt.toISOString(),
    };
    if (channel.kind === 'dm')
      intents.push({
        ...base,
        key: `message:${row.id}`,
        category: 'dms',
        priority: 'critical',
        kind: 'messaging.dm',
        audience: { kind: CHANNEL_READERS, id: channel.id },
        title: sender,
        groupTitle: `{count} new messages from ${sender}`,
      });
    else if (channel.kind === 'group' || channel.kind === 'announcements')
      intents.push({
        ...base,
        key: `message:${row.id}`,
        category: channel.kind === 'group' ? 'dms' : 'announcements',
        priority: 'normal',
        kind: channel.kind === 'group' ? 'messaging.group' : 'messaging.announcement',
        audience: { kind: CHANNEL_READERS, id: channel.id },
        title: `${sender} in ${label(channel)}`,
        groupTitle: `{count} new messages in ${label(channel)}`,
      });
    if (channel.kind === 'dm' || channel.kind === 'group') continue;
    const told = mentioned.get(row.id) ?? [];
    if (told.length)
      intents.push({
        ...base,
        key: `mention:${row.id}`,
        category: 'mentions',
        priority: 'normal',
        kind: 'messaging.mention',
        audience: { users: told },
        title: `${sender} mentioned you in ${label(channel)}`,
        groupTitle: `{count} mentions and replies in ${label(channel)}`,
      });
    if (row.replyToId)
      intents.push({
        ...base,
        key: `reply:${row.id}`,
        category: 'mentions',
        priority: 'normal',
        kind: 'messaging.reply',
        audience: { kind: MESSAGE_AUTHOR, id: row.replyToId },
        title: `${sender} replied to you in ${label(channel)}`,
        groupTitle: `{count} mentions and replies in ${label(channel)}`,
      });
  }
  await raiseNotifications(work, intents);
}
