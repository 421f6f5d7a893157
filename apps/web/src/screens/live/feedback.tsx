import { MAX_FEEDBACK_COMMENT } from '@muster/protocol';
import { useState } from 'react';
import { client } from '../../client.ts';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';

/** Stars and a comment once the session has ended; saved through the outbox, changeable. */
export function FeedbackForm({ sessionId }: { sessionId: string }) {
  const saved = useSelect((t) => t.feedback[sessionId], [sessionId]);
  const [rating, setRating] = useState(saved?.rating ?? 0);
  const [comment, setComment] = useState(saved?.comment ?? '');
  const [status, setStatus] = useState<string | null>(null);
  return (
    <form
      className="card feedback"
      aria-labelledby="feedback-title"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!rating) return;
        try {
          await client.saveFeedback(sessionId, rating, comment.trim() || null);
          setStatus('Thanks for your feedback.');
        } catch (err) {
          setStatus(describeError(err));
        }
      }}
    >
      <h2 id="feedback-title">How was this session?</h2>
      <fieldset className="stars">
        <legend className="visually-hidden">Your rating from 1 to 5</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            className="star"
            aria-pressed={rating >= n}
            aria-label={`${n} of 5`}
            onClick={() => setRating(n)}
          >
            ★
          </button>
        ))}
      </fieldset>
      <label htmlFor="feedback-comment">Comment (optional, the speakers see it without your name)</label>
      <textarea
        id="feedback-comment"
        rows={3}
        maxLength={MAX_FEEDBACK_COMMENT}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
      />
      <button type="submit" className="button primary" disabled={!rating}>
        {saved ? 'Update feedback' : 'Send feedback'}
      </button>
      <p role="status">{status}</p>
    </form>
  );
}
