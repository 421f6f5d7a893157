import type { Session, Speaker } from '@muster/protocol';
import type { SessionMark } from '@muster/sdk';
import { Link } from 'wouter';
import { describeChange, isUnseen } from '../lib/seen.ts';
import { formatTime } from '../lib/time.ts';
import { BookmarkButton } from './bookmark-button.tsx';
import { SpeakerChips } from './speaker-chips.tsx';

/** One session in an agenda or schedule: time, title, place, speakers, a "changed" marker and the bookmark toggle. */
export function SessionRow({
  session,
  timeZone,
  mark,
  bookmarked,
  conflicts,
  level = 3,
  speakers,
  href = `/sessions/${session.id}`,
  selected = false,
}: {
  session: Session;
  timeZone: string;
  mark: SessionMark | undefined;
  bookmarked: boolean;
  conflicts?: string[];
  /** Heading level of the title, so the page's outline never skips a level. */
  level?: 3 | 4;
  /** The event's speakers, to show who speaks with a link to their page (omitted: not shown). */
  speakers?: Speaker[] | undefined;
  /** Where the title leads: the session screen, or (desktop agenda) the same agenda with it open. */
  href?: string;
  /** The session open beside the list (desktop agenda). */
  selected?: boolean;
}) {
  const Title = level === 4 ? 'h4' : 'h3';
  const changed = !session.cancelled && isUnseen(session.id, mark);
  return (
    <article
      className={`session ${session.cancelled ? 'is-cancelled' : ''} ${selected ? 'is-selected' : ''}`}
      data-session-id={session.id}
    >
      <p className="session-time">
        <time dateTime={session.startsAt}>{formatTime(session.startsAt, timeZone)}</time>–
        <time dateTime={session.endsAt}>{formatTime(session.endsAt, timeZone)}</time>
      </p>
      <div className="session-body">
        <Title className="session-title">
          <Link href={href} aria-current={selected ? 'true' : undefined}>
            {session.title}
          </Link>
        </Title>
        <p className="meta">
          <span data-testid="session-room">{session.room ?? 'Room to be announced'}</span>
          {session.track ? ` · ${session.track}` : ''}
        </p>
        <SpeakerChips eventId={session.eventId} speakerIds={session.speakerIds} speakers={speakers} />
        {session.cancelled ? <p className="pill danger">Cancelled</p> : null}
        {changed && mark ? (
          <p className="pill changed" data-testid="changed-marker">
            Changed: {describeChange(mark)}
          </p>
        ) : null}
        {conflicts?.length ? (
          <p className="pill warning" data-testid="conflict">
            Overlaps {conflicts.length === 1 ? 'another session' : `${conflicts.length} sessions`} in your
            schedule
          </p>
        ) : null}
      </div>
      {session.cancelled ? null : <BookmarkButton session={session} bookmarked={bookmarked} />}
    </article>
  );
}
