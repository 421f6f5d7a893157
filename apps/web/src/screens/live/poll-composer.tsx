import { MAX_POLL_OPTIONS, type Poll, type PollKind, type ResultsVisibility } from '@muster/protocol';
import { useState } from 'react';
import { client } from '../../client.ts';
import { describeError } from '../../lib/errors.ts';

const KINDS: { value: PollKind; label: string }[] = [
  { value: 'single', label: 'One choice' },
  { value: 'multiple', label: 'Several choices' },
  { value: 'rating', label: 'Rating (stars)' },
  { value: 'wordcloud', label: 'Word cloud' },
];
const VISIBILITY: { value: ResultsVisibility; label: string }[] = [
  { value: 'live', label: 'Live, to everyone' },
  { value: 'afterVote', label: 'After each person votes' },
  { value: 'afterClose', label: 'When the poll closes' },
];

/** A new poll (a draft: the presenter opens it when the room is ready). */
export function PollComposer({ sessionId, onCreated }: { sessionId: string; onCreated(poll: Poll): void }) {
  const [question, setQuestion] = useState('');
  const [kind, setKind] = useState<PollKind>('single');
  const [options, setOptions] = useState('');
  const [visibility, setVisibility] = useState<ResultsVisibility>('live');
  const [error, setError] = useState<string | null>(null);
  const choice = kind === 'single' || kind === 'multiple';
  return (
    <form
      className="card"
      aria-labelledby="new-poll"
      onSubmit={async (e) => {
        e.preventDefault();
        const labels = options
          .split('\n')
          .map((o) => o.trim())
          .filter(Boolean)
          .slice(0, MAX_POLL_OPTIONS);
        try {
          const poll = await client.api.polls.create(sessionId, {
            question: question.trim(),
            kind,
            resultsVisibility: visibility,
            ...(choice ? { options: labels } : {}),
            ...(kind === 'rating' ? { scale: 5 as const } : {}),
            ...(kind === 'wordcloud' ? { maxWords: 3 } : {}),
          });
          onCreated(poll);
          setQuestion('');
          setOptions('');
          setError(null);
        } catch (err) {
          setError(describeError(err));
        }
      }}
    >
      <h3 id="new-poll">New poll</h3>
      <label htmlFor="poll-question">Poll question</label>
      <input
        id="poll-question"
        type="text"
        required
        maxLength={500}
        value={question}
        onChange={(e) => setQuestion(e.target.value)}
      />
      <label htmlFor="poll-kind">Kind</label>
      <select id="poll-kind" value={kind} onChange={(e) => setKind(e.target.value as PollKind)}>
        {KINDS.map((k) => (
          <option key={k.value} value={k.value}>
            {k.label}
          </option>
        ))}
      </select>
      {choice ? (
        <>
          <label htmlFor="poll-options">Options, one per line</label>
          <textarea
            id="poll-options"
            rows={4}
            required
            value={options}
            onChange={(e) => setOptions(e.target.value)}
          />
        </>
      ) : null}
      <label htmlFor="poll-visibility">Results</label>
      <select
        id="poll-visibility"
        value={visibility}
        onChange={(e) => setVisibility(e.target.value as ResultsVisibility)}
      >
        {VISIBILITY.map((v) => (
          <option key={v.value} value={v.value}>
            {v.label}
          </option>
        ))}
      </select>
      <button type="submit" className="button primary">
        Create poll
      </button>
      {error ? <p role="alert">{error}</p> : null}
    </form>
  );
}
