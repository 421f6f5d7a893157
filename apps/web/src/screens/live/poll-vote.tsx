import { MAX_WORD_LENGTH, type Poll, type VoteBody } from '@muster/protocol';
import { useState } from 'react';
import { client } from '../../client.ts';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { PollResultsView } from './poll-results.tsx';

/**
 * A poll for the audience: big tap targets to vote (one choice, several, stars, or words), then
 * the results when the caller may see them, or why not yet. Votes go through the outbox, so one
 * made offline is sent on reconnect; a second vote replaces the first.
 */
export function PollCard({ poll, presenter = false }: { poll: Poll; presenter?: boolean }) {
  const ballot = useSelect((t) => t.ballots[poll.id], [poll.id]);
  const results = useSelect((t) => t.pollResults[poll.id], [poll.id]);
  const [changing, setChanging] = useState(false);
  const voted = !!ballot && !changing;
  const canSee =
    presenter ||
    poll.resultsVisibility === 'live' ||
    poll.status === 'closed' ||
    (poll.resultsVisibility === 'afterVote' && !!ballot && !ballot.local);
  return (
    <section className="card poll-card" aria-labelledby={`poll-${poll.id}`} data-testid="poll-card">
      <h3 id={`poll-${poll.id}`}>{poll.question}</h3>
      {poll.status === 'closed' ? <p className="pill">Closed</p> : null}
      {poll.status === 'open' && !voted ? <VoteForm poll={poll} onDone={() => setChanging(false)} /> : null}
      {voted && poll.status === 'open' ? (
        <p role="status" className="voted">
          {!ballot.local
            ? 'Thanks, your vote counts.'
            : navigator.onLine
              ? 'Sending your vote…'
              : 'Vote saved — it is sent when you are back online.'}{' '}
          <button type="button" className="link-button" onClick={() => setChanging(true)}>
            Change my vote
          </button>
        </p>
      ) : null}
      {canSee && results ? (
        <PollResultsView poll={poll} results={results} />
      ) : canSee ? (
        <p className="muted">Loading results…</p>
      ) : poll.resultsVisibility === 'afterVote' ? (
        <p className="muted">Results appear after you vote.</p>
      ) : (
        <p className="muted">Results appear when the poll closes.</p>
      )}
    </section>
  );
}

function VoteForm({ poll, onDone }: { poll: Poll; onDone(): void }) {
  const [choice, setChoice] = useState<string[]>([]);
  const [rating, setRating] = useState(0);
  const [words, setWords] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (vote: VoteBody) => {
    setError(null);
    try {
      await client.vote(poll.id, poll.sessionId, vote);
      onDone();
    } catch (e) {
      setError(describeError(e));
    }
  };
  if (poll.kind === 'rating') {
    const scale = poll.scale ?? 5;
    return (
      <fieldset className="stars">
        <legend className="visually-hidden">Your rating from 1 to {scale}</legend>
        {Array.from({ length: scale }, (_, i) => i + 1).map((n) => (
          <button
            key={n}
            type="button"
            className="star"
            aria-pressed={rating >= n}
            aria-label={`${n} of ${scale}`}
            onClick={() => {
              setRating(n);
              void submit({ rating: n });
            }}
          >
            ★
          </button>
        ))}
        {error ? <p role="alert">{error}</p> : null}
      </fieldset>
    );
  }
  if (poll.kind === 'wordcloud') {
    const max = poll.maxWords ?? 3;
    const list = words
      .split(/[,\n]/)
      .map((w) => w.trim())
      .filter(Boolean)
      .slice(0, max);
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (list.length) void submit({ words: list });
        }}
      >
        <label htmlFor={`words-${poll.id}`}>
          Up to {max} {max === 1 ? 'word' : 'words'}, separated by commas
        </label>
        <input
          id={`words-${poll.id}`}
          value={words}
          maxLength={max * (MAX_WORD_LENGTH + 2)}
          autoComplete="off"
          onChange={(e) => setWords(e.target.value)}
        />
        <ul className="chips" aria-label="Your words">
          {list.map((w) => (
            <li key={w} className="chip">
              {w}
            </li>
          ))}
        </ul>
        <button type="submit" className="button primary big" disabled={!list.length}>
          Send
        </button>
        {error ? <p role="alert">{error}</p> : null}
      </form>
    );
  }
  const multiple = poll.kind === 'multiple';
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (choice.length) void submit({ optionIds: choice });
      }}
    >
      <fieldset className="choices">
        <legend className="visually-hidden">{multiple ? 'Choose one or more' : 'Choose one'}</legend>
        {poll.options.map((option) => (
          <label key={option.id} className="choice">
            <input
              type={multiple ? 'checkbox' : 'radio'}
              name={`poll-${poll.id}`}
              value={option.id}
              checked={choice.includes(option.id)}
              onChange={(e) =>
                setChoice(
                  multiple
                    ? e.target.checked
                      ? [...choice, option.id]
                      : choice.filter((id) => id !== option.id)
                    : [option.id],
                )
              }
            />
            {option.label}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button primary big" disabled={!choice.length}>
        Vote
      </button>
      {error ? <p role="alert">{error}</p> : null}
    </form>
  );
}
