import type { Channel, ChannelKind, ChannelView, Mentioned, Message, ReadState } from '@muster/protocol';
import type { ChannelRow, ChannelStateRow, MemberRow } from './messaging.channels.repository.ts';
import type { MessageRow, ReactionSummary } from './messaging.messages.repository.ts';

export function presentChannel(row: ChannelRow, memberIds: readonly string[] = []): Channel {
  return {
    id: row.id,
    eventId: row.eventId,
    kind: row.kind as ChannelKind,
    name: row.name,
    sessionId: row.sessionId,
    memberIds: [...memberIds],
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

export function presentChannelView(
  state: ChannelStateRow,
  memberIds: readonly string[] | undefined,
  canPost: boolean,
): ChannelView {
  return {
    ...presentChannel(state.channel, memberIds),
    canPost,
    unreadCount: state.unreadCount,
    lastReadSeq: state.lastReadSeq ?? 0,
    lastDeliveredSeq: state.lastDeliveredSeq ?? 0,
    lastMessageAt: state.lastMessageAt?.toISOString() ?? null,
  };
}

const NO_REACTIONS: ReactionSummary = { reactions: [], mine: [] };

/**
 * A tombstone keeps its place (id, seq, sender, reply target) and loses its content. A message
 * hidden by a moderator is presented as one (its body is kept for a restore, but shown to nobody).
 * Without a viewer (`withMine` false) the DTO is the same for everyone and may go into a change record.
 */
export function presentMessage(
  row: MessageRow,
  summary: ReactionSummary | undefined,
  withMine = true,
): Message {
  const gone = row.deletedAt ?? row.hiddenAt;
  const deleted = gone !== null;
  const { reactions, mine } = deleted ? NO_REACTIONS : (summary ?? NO_REACTIONS);
  return {
    id: row.id,
    channelId: row.channelId,
    seq: row.seq,
    senderId: row.senderId,
    clientMsgId: row.clientMsgId,
    body: deleted ? '' : row.body,
    replyToId: row.replyToId,
    mentions: deleted ? [] : row.mentions,
    reactions,
    ...(withMine ? { myReactions: mine } : {}),
    editedAt: row.editedAt?.toISOString() ?? null,
    deleted,
    deletedAt: gone?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export function presentReadState(
  channelId: string,
  member: Pick<MemberRow, 'lastDeliveredSeq' | 'lastReadSeq'> | undefined,
  unreadCount: number,
): ReadState {
  return {
    channelId,
    lastDeliveredSeq: member?.lastDeliveredSeq ?? 0,
    lastReadSeq: member?.lastReadSeq ?? 0,
    unreadCount,
  };
}

const EXCERPT_LENGTH = 200;

export function presentMention(row: MessageRow, eventId: string | null): Mentioned {
  return {
    messageId: row.id,
    channelId: row.channelId,
    eventId,
    seq: row.seq,
    senderId: row.senderId,
    excerpt: [...row.body].slice(0, EXCERPT_LENGTH).join(''),
    createdAt: row.createdAt.toISOString(),
  };
}
