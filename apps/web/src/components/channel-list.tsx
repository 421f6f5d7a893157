import type { Channel } from '@muster/protocol';
import type { Tables } from '@muster/sdk';
import { Link } from 'wouter';
import { client } from '../client.ts';
import { nameOf, useNames } from '../lib/names.ts';
import { formatCount, unreadIn } from '../lib/unread.ts';

/** A channel's title: its name, or for a DM the other person. */
export function channelTitle(channel: Channel, me: string): string {
  if (channel.name) return channel.name;
  const others = channel.memberIds.filter((id) => id !== me);
  if (channel.kind === 'dm') return others[0] ? nameOf(others[0], me) : 'Direct message';
  return others.map((id) => nameOf(id, me)).join(', ') || 'Group';
}

const kindLabel: Record<Channel['kind'], string> = {
  announcements: 'Announcements',
  topic: 'Topic',
  session: 'Session',
  staff: 'Staff',
  vendors: 'Vendors',
  dm: 'Direct message',
  group: 'Group',
};

/** Channels with their unread counts; `showEvent` names each event channel's event (lists across events). */
export function ChannelList({
  channels,
  tables,
  showEvent = false,
  empty = 'No channels yet.',
}: {
  channels: Channel[];
  tables: Tables;
  showEvent?: boolean;
  empty?: string;
}) {
  useNames();
  const me = client.user?.id ?? '';
  if (!channels.length) return <p className="muted">{empty}</p>;
  return (
    <ul className="channel-list">
      {channels.map((channel) => {
        const unread = unreadIn(tables, channel.id, me);
        return (
          <li key={channel.id}>
            <Link href={`/channels/${channel.id}`} className="channel-link">
              <span className="channel-name">{channelTitle(channel, me)}</span>
              <span className="meta">
                {kindLabel[channel.kind]}
                {showEvent && channel.eventId && tables.events[channel.eventId]
                  ? ` · ${tables.events[channel.eventId]!.title}`
                  : ''}
              </span>
              {unread > 0 ? (
                <span className="badge" data-testid="unread-count">
                  {formatCount(unread)}
                  <span className="visually-hidden"> unread</span>
                </span>
              ) : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
