import type { LeaderboardKind, Standing } from '@muster/protocol';
import { useState } from 'react';
import { Link, useParams } from 'wouter';
import { client } from '../../client.ts';
import { FormError } from '../../components/field.tsx';
import { Page } from '../../components/page.tsx';
import { Segmented } from '../../components/segmented.tsx';
import { useEvent } from '../../hooks/event.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import { Achievements } from './achievements.tsx';
import { useBoard } from './board-hooks.ts';
import { Challenges } from './challenges.tsx';
import { MyTeam } from './my-team.tsx';
import './engagement.css';

const kinds = [
  { value: 'team', label: 'Teams' },
  { value: 'individual', label: 'People' },
] as const;

/**
 * The event's boards, teams first: collaborative scoring is what keeps people playing. The board
 * moves on its own while open (each tick of the event reads it again).
 */
export function LeaderboardScreen() {
  const { id = '' } = useParams<{ id: string }>();
  const { event } = useEvent(id);
  const [kind, setKind] = useState<LeaderboardKind>('team');
  const { board, error } = useBoard(id, kind);
  return (
    <Page title="Leaderboard" back={{ href: `/events/${id}`, label: event?.title ?? 'Event' }}>
      <Segmented<LeaderboardKind>
        legend="Board"
        name="board-kind"
        options={kinds}
        value={kind}
        onChange={setKind}
      />
      {board?.frozen ? (
        <p className="pill warning" role="status">
          Frozen since {board.freezeAt ? formatDateTime(board.freezeAt, event?.timezone ?? 'UTC') : 'now'} —
          the winners are revealed at the end
        </p>
      ) : null}
      <FormError error={error} />
      {board === null && !error ? <p role="status">Loading…</p> : null}
      {board && board.kind === kind ? (
        <>
          {board.items.length === 0 ? (
            <p className="muted">
              {kind === 'team'
                ? 'No teams yet. Start one below and bring your people.'
                : 'No points yet. Check in, ask a question or find a hunt checkpoint to score.'}
            </p>
          ) : (
            <ol className="board" aria-label={kind === 'team' ? 'Teams' : 'People'}>
              {board.items.map((standing) => (
                <BoardRow key={standing.id} standing={standing} mine={standing.id === board.me?.id} />
              ))}
            </ol>
          )}
          {board.me && !board.items.some((s) => s.id === board.me?.id) ? (
            <ol className="board mine" aria-label="Your place" start={board.me.rank}>
              <BoardRow standing={board.me} mine />
            </ol>
          ) : null}
          {kind === 'team' ? (
            <p className="meta">
              Team score: {board.scoring === 'sum' ? 'members’ points added up' : 'members’ average'}.
            </p>
          ) : (
            <BoardVisibility eventId={id} listed={board.me !== null} />
          )}
        </>
      ) : null}
      {kind === 'team' ? <MyTeam eventId={id} /> : null}
      {kind === 'team' ? <Challenges eventId={id} /> : null}
      <Achievements eventId={id} />
      <p className="link-row">
        <Link href={`/events/${id}/hunt`} className="button">
          Scavenger hunt
        </Link>
        <Link href={`/events/${id}/points`} className="button">
          My points
        </Link>
      </p>
    </Page>
  );
}

function BoardRow({ standing, mine }: { standing: Standing; mine: boolean }) {
  return (
    <li
      className={mine ? 'standing me' : 'standing'}
      data-testid="standing"
      aria-current={mine ? 'true' : undefined}
    >
      <span className="rank">
        <span className="visually-hidden">Rank {standing.rank}</span>
        <span aria-hidden="true">
          {standing.rank <= 3 ? ['🥇', '🥈', '🥉'][standing.rank - 1] : standing.rank}
        </span>
      </span>
      <span className="standing-name">
        {standing.name}
        {mine ? <span className="pill">You</span> : null}
        {standing.members !== undefined ? (
          <span className="meta">
            {' '}
            · {standing.members} {standing.members === 1 ? 'member' : 'members'}
          </span>
        ) : null}
      </span>
      <span className="standing-points">{standing.points.toLocaleString()}</span>
    </li>
  );
}

function BoardVisibility({ eventId, listed }: { eventId: string; listed: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function toggle() {
    setBusy(true);
    try {
      await client.api.engagement.setOnBoard(eventId, !listed);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="panel">
      <p className="meta">
        {listed
          ? 'You are on this board. Your points count for your team either way.'
          : 'You are not on this board (no points yet, or you chose to stay off it).'}
      </p>
      <button type="button" className="link-button" disabled={busy} onClick={() => void toggle()}>
        {listed ? 'Keep me off the board' : 'Show me on the board'}
      </button>
      <FormError error={error} />
    </div>
  );
}
