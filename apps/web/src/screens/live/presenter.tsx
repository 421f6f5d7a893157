import type { Poll } from '@muster/protocol';
import { pollsOf, questionsOf } from '@muster/sdk';
import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../../client.ts';
import { useSession } from '../../hooks/session-data.ts';
import { useSelect } from '../../hooks/store.ts';
import { describeError } from '../../lib/errors.ts';
import { useIsPresenter, usePollResults, useSessionLive } from './live-hooks.ts';
import { PollComposer } from './poll-composer.tsx';
import { PollResultsView, WordCloud } from './poll-results.tsx';
import './live.css';

const QrCode = lazy(() => import('./qr-code.tsx').then((m) => ({ default: m.QrCode })));

/** Keeps a poll answer in the store: drafts never travel on the session scope. */
export const keepPoll = (poll: Poll) =>
  client.store.load((draft) => {
    draft.write('polls')[poll.id] = poll;
  });

/**
 * The presenter view, for a projector: the current poll and its results large (a word cloud with
 * hidden words gone), the top questions, a QR code to join the Live tab, and the controls to run
 * polls and questions.
 */
export function PresenterScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const session = useSession(id);
  useSessionLive(id);
  const presenter = useIsPresenter(session);
  const polls = useSelect((t) => pollsOf(t, id), [id]);
  const current = polls.find((p) => p.status === 'open') ?? polls.find((p) => p.status === 'closed');
  const { open } = useSelect((t) => questionsOf(t, id, 'top'), [id]);
  const top = open.filter((q) => q.state === 'visible').slice(0, 5);
  const liveUrl = `${window.location.origin}/sessions/${id}/live`;
  return (
    <section className="page presenter-page" aria-labelledby="page-title">
      <Link href={`/sessions/${id}/live`} className="back-link">
        ← Live tab
      </Link>
      <div className="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {session?.title ?? 'Presenter view'}
        </h1>
        {document.fullscreenEnabled ? (
          <button
            type="button"
            className="button"
            // The projector shows the view alone, without the app's navigation.
            onClick={() => void document.querySelector('.presenter-page')?.requestFullscreen()}
          >
            Full screen
          </button>
        ) : null}
      </div>
      <div className="presenter">
        <div>
          {current ? (
            <CurrentPoll poll={current} presenter={presenter} />
          ) : (
            <p className="muted">No poll yet.</p>
          )}
          <section aria-labelledby="top-questions" className="top-questions">
            <h2 id="top-questions">Top questions</h2>
            {top.length === 0 ? <p className="muted">No questions yet.</p> : null}
            <ol className="question-list" data-testid="top-questions">
              {top.map((q) => (
                <li key={q.id} className="question">
                  <div className="question-main">
                    <p className="question-body">{q.body}</p>
                    {q.pinned ? <span className="pill">Pinned</span> : null}
                    {presenter ? <QuestionControls id={q.id} pinned={q.pinned} /> : null}
                  </div>
                  <span className="upvote">
                    <span aria-hidden="true">▲</span> {q.upvotes}
                    <span className="visually-hidden"> upvotes</span>
                  </span>
                </li>
              ))}
            </ol>
          </section>
        </div>
        <aside aria-label="Join and controls">
          <h2>Join at</h2>
          <Suspense fallback={<p className="muted">{liveUrl}</p>}>
            <QrCode url={liveUrl} label={`QR code to join: ${liveUrl}`} />
          </Suspense>
          <p className="muted" style={{ overflowWrap: 'anywhere' }}>
            {liveUrl}
          </p>
          {presenter ? <PollControls polls={polls} sessionId={id} /> : null}
        </aside>
      </div>
    </section>
  );
}

function CurrentPoll({ poll, presenter }: { poll: Poll; presenter: boolean }) {
  usePollResults(poll, presenter);
  const results = useSelect((t) => t.pollResults[poll.id], [poll.id]);
  const [error, setError] = useState<string | null>(null);
  const hide = (word: string) =>
    client.api.polls.hideWord(poll.id, word).then(
      () => setError(null),
      (e: unknown) => setError(describeError(e)),
    );
  return (
    <section aria-labelledby="current-poll" data-testid="presenter-poll">
      <h2 id="current-poll" className="poll-question">
        {poll.question}
      </h2>
      {poll.status === 'closed' ? <p className="pill">Closed</p> : null}
      {!results ? (
        <p className="muted">Waiting for votes…</p>
      ) : poll.kind === 'wordcloud' && presenter ? (
        <>
          <WordCloud words={results.words ?? []} large onHide={hide} />
          <p className="muted" data-testid="poll-total">
            {results.total} answered
          </p>
        </>
      ) : (
        <PollResultsView poll={poll} results={results} large />
      )}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}

function QuestionControls({ id, pinned }: { id: string; pinned: boolean }) {
  const set = (state: 'answered' | 'pinned' | 'unpinned') =>
    void client.api.questions.setState(id, { state });
  return (
    <div className="row-actions">
      <button type="button" className="button" onClick={() => set('answered')}>
        Mark answered
      </button>
      <button type="button" className="button" onClick={() => set(pinned ? 'unpinned' : 'pinned')}>
        {pinned ? 'Unpin' : 'Pin'}
      </button>
    </div>
  );
}

function PollControls({ polls, sessionId }: { polls: Poll[]; sessionId: string }) {
  const [error, setError] = useState<string | null>(null);
  const run = (call: Promise<Poll>) =>
    call.then(
      (poll) => {
        keepPoll(poll);
        setError(null);
      },
      (e: unknown) => setError(describeError(e)),
    );
  const remove = (id: string) =>
    client.api.polls.deleteDraft(id).then(
      () => {
        client.store.load((draft) => {
          delete draft.write('polls')[id];
        });
        setError(null);
      },
      (e: unknown) => setError(describeError(e)),
    );
  return (
    <section aria-labelledby="poll-controls" className="presenter-controls">
      <h2 id="poll-controls">Polls</h2>
      {polls.map((poll) => (
        <div key={poll.id} className="card" data-testid="poll-control">
          <p>
            <strong>{poll.question}</strong> <span className="pill">{poll.status}</span>
          </p>
          {poll.status === 'draft' ? (
            <div className="row-actions">
              <button
                type="button"
                className="button primary"
                onClick={() => run(client.api.polls.open(poll.id))}
              >
                Open poll
              </button>
              <button type="button" className="button danger" onClick={() => remove(poll.id)}>
                Delete draft
              </button>
            </div>
          ) : null}
          {poll.status === 'open' ? (
            <button type="button" className="button" onClick={() => run(client.api.polls.close(poll.id))}>
              Close poll
            </button>
          ) : null}
        </div>
      ))}
      {error ? <p role="alert">{error}</p> : null}
      <PollComposer sessionId={sessionId} onCreated={keepPoll} />
    </section>
  );
}
