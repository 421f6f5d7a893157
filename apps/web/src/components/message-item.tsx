import type { Channel } from '@muster/protocol';
import { type LocalMessage, type Tables, ticksOf } from '@muster/sdk';
import { nameOf } from '../lib/names.ts';
import { deviceTimeZone, formatTime } from '../lib/time.ts';
import { ReportButton } from './report-button.tsx';
import { Ticks } from './ticks.tsx';

/** One message: sender, time, body (as text: never HTML), and my ticks in DMs and groups. */
export function MessageItem({
  message,
  channel,
  tables,
  me,
}: {
  message: LocalMessage;
  channel: Channel;
  tables: Tables;
  me: string;
}) {
  const mine = message.senderId === me;
  const showTicks = mine && (channel.kind === 'dm' || channel.kind === 'group');
  return (
    <li className={`message ${mine ? 'is-mine' : ''}`} data-testid="message">
      <p className="message-meta">
        <span className="sender">{nameOf(message.senderId, me)}</span>{' '}
        <time dateTime={message.createdAt}>{formatTime(message.createdAt, deviceTimeZone())}</time>
        {message.editedAt && !message.deleted ? ' · edited' : ''}
      </p>
      <p className="message-body">{message.deleted ? <em>Message deleted</em> : message.body}</p>
      {showTicks ? <Ticks tick={ticksOf(tables, message, me)} /> : null}
      {!showTicks && message.local ? <Ticks tick="sending" /> : null}
      {/* Event channels have moderators; a DM's answer to abuse is blocking the person. */}
      {!mine && !message.deleted && !message.local && channel.eventId ? (
        <ReportButton target={{ targetType: 'message', targetId: message.id, eventId: channel.eventId }} />
      ) : null}
    </li>
  );
}
