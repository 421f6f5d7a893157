import { useMemo } from 'react';
import { useParams } from 'wouter';
import { ChannelList } from '../components/channel-list.tsx';
import { Page } from '../components/page.tsx';
import { useEvent } from '../hooks/event.ts';
import { useTables } from '../hooks/store.ts';

/** The event's channels (announcements first), with unread counts. */
export function ChannelsScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const tables = useTables();
  const channels = useMemo(
    () =>
      Object.values(tables.channels)
        .filter((c) => c.eventId === id)
        .sort(
          (a, b) =>
            Number(b.kind === 'announcements') - Number(a.kind === 'announcements') ||
            (a.name ?? '').localeCompare(b.name ?? ''),
        ),
    [tables, id],
  );
  return (
    <Page
      title={event ? `Channels · ${event.title}` : 'Channels'}
      back={{ href: `/events/${id}`, label: 'Event' }}
    >
      <ChannelList channels={channels} tables={tables} />
    </Page>
  );
}
