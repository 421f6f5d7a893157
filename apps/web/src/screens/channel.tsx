import { type Channel, scopes } from '@muster/protocol';
import { messagesOf } from '@muster/sdk';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useParams } from 'wouter';
import { client } from '../client.ts';
import { channelTitle } from '../components/channel-list.tsx';
import { MessageItem } from '../components/message-item.tsx';
import { Page } from '../components/page.tsx';
import { useIsStaff } from '../hooks/event.ts';
import { useFollow, useTables } from '../hooks/store.ts';
import { useTyping } from '../hooks/typing.ts';
import { nameOf, useNames } from '../lib/names.ts';
import { newestFromOthers } from '../lib/unread.ts';

/** A channel or DM: messages (live, kept offline), the composer (queued offline), typing, read marks. */
export function ChannelScreen() {
  const { id = '' } = useParams<{ id: string }>();
  useFollow(scopes.channel(id));
  const tables = useTables();
  const channel = tables.channels[id];
  if (!channel)
    return (
      <Page title="Conversation" back={{ href: '/messages', label: 'Messages' }}>
        <p role="status">Loading… (conversations you have opened before are available offline)</p>
      </Page>
    );
  return <Conversation channel={channel} />;
}

function Conversation({ channel }: { channel: Channel }) {
  useNames();
  const tables = useTables();
  const me = client.user?.id ?? '';
  const messages = useMemo(() => messagesOf(tables, channel.id), [tables, channel.id]);
  const event = channel.eventId ? tables.events[channel.eventId] : undefined;
  const staff = useIsStaff(event);
  const canPost = channel.kind !== 'announcements' || staff;
  const { typists, typed } = useTyping(channel.id);
  useMarkRead(
    channel.id,
    newestFromOthers(tables, channel.id, me),
    tables.readStates[channel.id]?.lastReadSeq ?? 0,
  );
  const end = useRef<HTMLDivElement>(null);
  // Braces: in current Chromium scrollIntoView returns a promise, which React would take for a clean-up.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when a message arrives, which the count stands for
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length]);
  const back = channel.eventId
    ? { href: `/events/${channel.eventId}/channels`, label: 'Channels' }
    : { href: '/messages', label: 'Messages' };

  return (
    <Page title={channelTitle(channel, me)} back={back}>
      <ol className="messages" role="log" aria-label="Messages">
        {messages.map((message) => (
          <MessageItem key={message.id} message={message} channel={channel} tables={tables} me={me} />
        ))}
      </ol>
      <div ref={end} />
      <p className="typing" aria-live="polite" data-testid="typing">
        {typists.length
          ? `${typists.map((u) => nameOf(u, me)).join(', ')} ${typists.length === 1 ? 'is' : 'are'} typing…`
          : ''}
      </p>
      {canPost ? (
        <Composer channelId={channel.id} onType={typed} />
      ) : (
        <p className="muted">Only organisers post here.</p>
      )}
    </Page>
  );
}

/** Marks the channel read up to the newest message while it is on screen. */
function useMarkRead(channelId: string, newest: number, lastRead: number) {
  const marked = useRef(0);
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState !== 'visible' || newest <= Math.max(lastRead, marked.current)) return;
      marked.current = newest;
      void client.markRead(channelId, newest);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [channelId, newest, lastRead]);
}

function Composer({ channelId, onType }: { channelId: string; onType: () => void }) {
  const [body, setBody] = useState('');
  async function submit(event: FormEvent) {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    setBody('');
    await client.sendMessage(channelId, text);
  }
  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor="composer" className="visually-hidden">
        Message
      </label>
      <textarea
        id="composer"
        rows={2}
        maxLength={4000}
        placeholder="Write a message"
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
          onType();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
      />
      <button type="submit" className="button primary" disabled={!body.trim()}>
        Send
      </button>
    </form>
  );
}
