import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { client } from '../client.ts';
import { useOnline, useSelect } from '../hooks/store.ts';

type Due = { sessionId: string; title: string; endsAt: string };

/**
 * A card asking for feedback on one bookmarked session that ended and that I have not rated yet
 * (the server's list; what I rated since, on any device, is in the store and drops out).
 */
export function FeedbackDueCard({ eventId }: { eventId: string }) {
  const online = useOnline();
  const [due, setDue] = useState<Due[]>([]);
  const rated = useSelect((t) => t.feedback, []);
  useEffect(() => {
    if (!online || !eventId) return;
    let cancelled = false;
    client.api.feedback.due(eventId).then(
      (answer) => {
        if (!cancelled) setDue(answer.items);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [eventId, online]);
  const first = due.find((d) => !(d.sessionId in rated));
  if (!first) return null;
  return (
    <aside className="card" aria-labelledby="feedback-due-title" data-testid="feedback-due">
      <h2 id="feedback-due-title" className="card-title">
        How was “{first.title}”?
      </h2>
      <Link href={`/sessions/${first.sessionId}/live`} className="button primary">
        Rate the session
      </Link>
    </aside>
  );
}
