import type { Channel } from '@muster/protocol';
import type { Tables } from '@muster/sdk';

/** RSVP answers that make an event "mine" for messaging (declining leaves its channels alone). */
const TAKING_PART = new Set(['going', 'waitlisted', 'interested']);

/** Events I take part in: an RSVP other than "not going", or a role. */
export function myEventIds(tables: Tables): Set<string> {
  const ids = new Set(Object.keys(tables.roles));
  for (const [eventId, rsvp] of Object.entries(tables.rsvps))
    if (TAKING_PART.has(rsvp.status)) ids.add(eventId);
  return ids;
}

/** The newest activity in a channel that the device knows: its newest held message, else its creation. */
export function lastActivity(tables: Tables, channel: Channel): string {
  let latest = channel.createdAt;
  for (const m of Object.values(tables.messages))
    if (m.channelId === channel.id && m.createdAt > latest) latest = m.createdAt;
  return latest;
}

/**
 * Every conversation of mine: DMs and groups, the channels of events I take part in, and any
 * event channel I have read in. Messages lists exactly these and the tab's unread badge adds up
 * exactly these, so the badge never counts a channel the list does not show.
 */
export function conversationsOf(tables: Tables): Channel[] {
  const mine = myEventIds(tables);
  return Object.values(tables.channels).filter(
    (c) => c.eventId === null || mine.has(c.eventId) || (tables.readStates[c.id]?.lastReadSeq ?? 0) > 0,
  );
}

/** Conversations, newest activity first. */
export function conversationsByActivity(tables: Tables): Channel[] {
  const activity = new Map<string, string>();
  const channels = conversationsOf(tables);
  for (const c of channels) activity.set(c.id, lastActivity(tables, c));
  return channels.sort(
    (a, b) => activity.get(b.id)!.localeCompare(activity.get(a.id)!) || b.id.localeCompare(a.id),
  );
}
