import type { Session, Speaker } from '@muster/protocol';
import type { Tables } from '@muster/sdk';
import { SessionRow } from './session-row.tsx';

/**
 * Sessions as a list of rows, each with its "changed" marker and bookmark from the local store.
 * `hrefOf` and `selected` serve the desktop agenda (a row opens the session beside the list).
 */
export function SessionList({
  sessions,
  tables,
  timeZoneOf,
  level,
  hrefOf,
  selected,
  conflictsOf,
  speakers,
}: {
  sessions: readonly Session[];
  tables: Tables;
  timeZoneOf(session: Session): string;
  level?: 3 | 4;
  hrefOf?(session: Session): string;
  selected?: string | null;
  conflictsOf?(session: Session): string[];
  /** The event's speakers, shown on each row with a link to their page (omitted: not shown). */
  speakers?: Speaker[] | undefined;
}) {
  return (
    <ul className="sessions">
      {sessions.map((session) => (
        <li key={session.id}>
          <SessionRow
            session={session}
            timeZone={timeZoneOf(session)}
            mark={tables.sessionMarks[session.id]}
            bookmarked={session.id in tables.bookmarks}
            level={level}
            href={hrefOf?.(session)}
            selected={session.id === selected}
            conflicts={conflictsOf?.(session)}
            speakers={speakers}
          />
        </li>
      ))}
    </ul>
  );
}
