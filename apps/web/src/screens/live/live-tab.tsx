import type { Session } from '@muster/protocol';
import { pollsOf } from '@muster/sdk';
import { Link } from 'wouter';
import { useSelect } from '../../hooks/store.ts';
import { FeedbackForm } from './feedback.tsx';
import { useIsPresenter, usePollResults, useSessionLive } from './live-hooks.ts';
import { PollCard } from './poll-vote.tsx';
import { QuestionsPanel } from './questions.tsx';
import './live.css';

/**
 * The session's Live tab: the open poll to vote on with its results, the questions and the ask
 * box, and feedback once the session has ended. Everything comes from the store, fed by the
 * `session:<id>` scope (followed here) and each visible poll's `poll:<id>` scope.
 */
export function LiveTab({ session }: { session: Session }) {
  useSessionLive(session.id);
  const presenter = useIsPresenter(session);
  const polls = useSelect((t) => pollsOf(t, session.id).filter((p) => p.status !== 'draft'), [session.id]);
  const restriction = useSelect((t) => t.restrictions[session.eventId], [session.eventId]);
  const ended = Date.parse(session.endsAt) <= Date.now();
  const current = polls.filter((p) => p.status === 'open');
  const closed = polls.filter((p) => p.status === 'closed').slice(0, 3);
  return (
    <div className="live" data-testid="live-tab">
      {presenter ? (
        <p className="live-links">
          <Link href={`/sessions/${session.id}/present`} className="button">
            Presenter view
          </Link>
          <Link href={`/events/${session.eventId}/moderation`} className="button">
            Moderation
          </Link>
        </p>
      ) : null}
      {restriction ? (
        <p className="pill danger" role="status">
          {restriction.kind === 'ban' ? 'You are banned from this event.' : 'You are muted'}
          {restriction.until ? ` until ${new Date(restriction.until).toLocaleString()}` : ''}
          {restriction.reason ? ` — ${restriction.reason}` : ''}
        </p>
      ) : null}
      <section aria-labelledby="polls-title">
        <h2 id="polls-title">{current.length ? 'Poll' : 'Polls'}</h2>
        {current.length === 0 && closed.length === 0 ? (
          <p className="muted">No poll is open right now.</p>
        ) : null}
        {[...current, ...closed].map((poll) => (
          <FollowedPoll key={poll.id} pollId={poll.id} presenter={presenter} />
        ))}
      </section>
      <QuestionsPanel
        sessionId={session.id}
        presenter={presenter}
        canAsk={!session.cancelled && !restriction}
      />
      {ended && !session.cancelled ? <FeedbackForm sessionId={session.id} /> : null}
    </div>
  );
}

function FollowedPoll({ pollId, presenter }: { pollId: string; presenter: boolean }) {
  const poll = useSelect((t) => t.polls[pollId], [pollId]);
  usePollResults(poll, presenter);
  return poll ? <PollCard poll={poll} presenter={presenter} /> : null;
}
