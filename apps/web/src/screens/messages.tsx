import { ChannelList } from '../components/channel-list.tsx';
import { Page } from '../components/page.tsx';
import { useSelect, useTables } from '../hooks/store.ts';
import { conversationsByActivity } from '../lib/conversations.ts';

/** My conversations: DMs, groups and the channels of my events, newest activity first. */
export function MessagesScreen() {
  const tables = useTables();
  const channels = useSelect(conversationsByActivity);
  return (
    <Page title="Messages">
      <ChannelList
        channels={channels}
        tables={tables}
        showEvent
        empty="No conversations yet. Join an event to see its announcements, or message someone from an event's attendee list."
      />
    </Page>
  );
}
