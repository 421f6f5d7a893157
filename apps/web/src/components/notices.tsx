import { useEffect, useState } from 'react';
import { client } from '../client.ts';
import { describeError } from '../lib/errors.ts';

interface Notice {
  id: number;
  text: string;
}

let nextId = 1;

/**
 * Tells the user what happened to writes made earlier: refused by the server (rolled back) or
 * overridden by a newer change made elsewhere while they were offline.
 */
export function Notices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  useEffect(() => {
    const add = (text: string) => setNotices((list) => [...list.slice(-2), { id: nextId++, text }]);
    const offFailed = client.events.on('failed', ({ mutation, error }) =>
      add(`Could not ${describeKind(mutation.input.kind)}: ${describeError(error)}`),
    );
    const offOverridden = client.events.on('overridden', ({ mutation }) =>
      add(
        `Your offline change (${describeKind(mutation.input.kind)}) was replaced by a newer one made elsewhere.`,
      ),
    );
    return () => {
      offFailed();
      offOverridden();
    };
  }, []);
  if (!notices.length) return null;
  return (
    <div className="notices" role="alert">
      {notices.map((notice) => (
        <p key={notice.id} className="notice">
          {notice.text}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => setNotices((list) => list.filter((n) => n.id !== notice.id))}
          >
            Dismiss
          </button>
        </p>
      ))}
    </div>
  );
}

const kinds: Record<string, string> = {
  'note.put': 'save your note',
  'bookmark.add': 'add the session to your schedule',
  'bookmark.remove': 'remove the session from your schedule',
  'rsvp.put': 'save your RSVP',
  'rsvp.delete': 'cancel your RSVP',
  'message.send': 'send your message',
  'message.edit': 'edit your message',
  'message.delete': 'delete your message',
  'session.update': 'update the session',
  'session.cancel': 'cancel the session',
  // A question the filters hold or refuse, a mute, a closed poll: said here, the write rolled back.
  'poll.vote': 'send your vote',
  'question.ask': 'send your question',
  'question.upvote': 'save your upvote',
  'feedback.put': 'save your feedback',
};

const describeKind = (kind: string) => kinds[kind] ?? 'save a change';
