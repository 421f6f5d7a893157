import { useMemo } from 'react';
import { ChannelList } from '../components/channel-list.tsx';
import { Page } from '../components/page.tsx';
import { useTables } from '../hooks/store.ts';

/** My conversations: DMs, groups and the event channels I follow, newest activity first. */
export function MessagesScreen() {
  const tables = useTables();
  const channels = useMemo(() => {
    const latest = new Map<string, string>();
    for (const m of Object.values(tables.messages))
      if ((latest.get(m.channelId) ?? '') < m.createdAt) latest.set(m.channelId, m.createdAt);
    return Object.values(tables.channels)
      .filter((c) => c.eventId === null || latest.has(c.id))
      .sort((a, b) => (latest.get(b.id) ?? b.createdAt).localeCompare(latest.get(a.id) ?? a.createdAt));
  }, [tables]);
  return (
    <Page title="Messages">
      <ChannelList channels={channels} tables={tables} />
    </Page>
  );
}
