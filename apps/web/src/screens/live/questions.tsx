import { MAX_QUESTION_LENGTH, type QuestionSort } from '@muster/protocol';
import { type LocalQuestion, questionsOf } from '@muster/sdk';
import { useState } from 'react';
import { client } from '../../client.ts';
import { ReportButton } from '../../components/report-button.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';

const SORTS = [
  { value: 'top', label: 'Top' },
  { value: 'new', label: 'New' },
] as const;

/** The session's questions (top or new, pinned first, answered folded) and the ask box. */
export function QuestionsPanel({
  sessionId,
  presenter,
  canAsk,
}: {
  sessionId: string;
  presenter: boolean;
  canAsk: boolean;
}) {
  const [sort, setSort] = useState<QuestionSort>('top');
  const { open, answered } = useSelect((t) => questionsOf(t, sessionId, sort), [sessionId, sort]);
  return (
    <section aria-labelledby="questions-title" className="questions">
      <div className="page-head">
        <h2 id="questions-title">Questions</h2>
        <Segmented<QuestionSort>
          legend="Sort questions"
          name="question-sort"
          options={SORTS}
          value={sort}
          onChange={setSort}
        />
      </div>
      {canAsk ? <AskBox sessionId={sessionId} /> : null}
      {open.length === 0 ? <p className="muted">No questions yet.</p> : null}
      <ol className="question-list" data-testid="questions">
        {open.map((q) => (
          <QuestionRow key={q.id} question={q} presenter={presenter} />
        ))}
      </ol>
      {answered.length ? (
        <details className="answered">
          <summary>Answered ({answered.length})</summary>
          <ol className="question-list">
            {answered.map((q) => (
              <QuestionRow key={q.id} question={q} presenter={presenter} />
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}

function QuestionRow({ question: q, presenter }: { question: LocalQuestion; presenter: boolean }) {
  const mine = q.asker?.id === client.user?.id || !!q.local;
  const [error, setError] = useState<string | null>(null);
  const act = (state: 'answered' | 'pinned' | 'unpinned' | 'hidden' | 'visible') =>
    client.api.questions.setState(q.id, { state }).then(
      (answer) => {
        // A pending question's change never travels on the session scope: keep the answer.
        client.store.load((draft) => {
          draft.write('questions')[answer.id] = { ...answer, upvotedByMe: q.upvotedByMe ?? false };
        });
        setError(null);
      },
      (e: unknown) => setError(describeError(e)),
    );
  return (
    <li className="question" data-testid="question" data-state={q.state}>
      <div className="question-main">
        <p className="question-body">{q.body}</p>
        <p className="meta">
          {q.pinned ? <span className="pill">Pinned</span> : null}
          {q.state === 'answered' ? <span className="pill ok">Answered</span> : null}
          {q.state === 'pending' ? (
            <span className="pill" role="status">
              {q.local ? 'Sending…' : 'Waiting for a moderator'}
            </span>
          ) : null}{' '}
          {q.asker ? q.asker.name : 'Anonymous'}
        </p>
        {presenter && !q.local ? (
          <div className="row-actions">
            {q.state === 'pending' ? (
              <button type="button" className="button" onClick={() => act('visible')}>
                Approve
              </button>
            ) : null}
            {q.state === 'visible' ? (
              <button type="button" className="button" onClick={() => act('answered')}>
                Mark answered
              </button>
            ) : null}
            {q.state === 'visible' ? (
              <button type="button" className="button" onClick={() => act(q.pinned ? 'unpinned' : 'pinned')}>
                {q.pinned ? 'Unpin' : 'Pin'}
              </button>
            ) : null}
            <button type="button" className="button danger" onClick={() => act('hidden')}>
              Hide
            </button>
          </div>
        ) : null}
        {!mine && !presenter && q.state === 'visible' ? (
          <ReportButton target={{ targetType: 'question', targetId: q.id, eventId: q.eventId }} />
        ) : null}
        {error ? <p role="alert">{error}</p> : null}
      </div>
      <button
        type="button"
        className="upvote"
        aria-pressed={!!q.upvotedByMe}
        disabled={mine || q.state !== 'visible'}
        onClick={() => void (q.upvotedByMe ? client.removeUpvote(q.id) : client.upvote(q.id))}
        data-testid="upvote"
      >
        <span aria-hidden="true">▲</span>
        <span data-testid="upvotes">{q.upvotes}</span>
        <span className="visually-hidden">
          {q.upvotes === 1 ? ' upvote' : ' upvotes'}
          {q.upvotedByMe ? ', upvoted by you' : ', upvote'}
        </span>
      </button>
    </li>
  );
}

function AskBox({ sessionId }: { sessionId: string }) {
  const [body, setBody] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="ask"
      onSubmit={async (e) => {
        e.preventDefault();
        const text = body.trim();
        if (!text) return;
        try {
          await client.ask(sessionId, text, { anonymous });
          setBody('');
          setError(null);
        } catch (err) {
          setError(describeError(err));
        }
      }}
    >
      <label htmlFor="ask-body">Ask a question</label>
      <textarea
        id="ask-body"
        rows={2}
        value={body}
        maxLength={MAX_QUESTION_LENGTH}
        onChange={(e) => setBody(e.target.value)}
      />
      <div className="ask-row">
        <label className="switch">
          <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
          Ask anonymously
        </label>
        <button type="submit" className="button primary" disabled={!body.trim()}>
          Ask
        </button>
      </div>
      {error ? <p role="alert">{error}</p> : null}
    </form>
  );
}
