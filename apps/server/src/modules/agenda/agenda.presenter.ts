import type { AgendaChange, Bookmark, Note, Session } from '@muster/protocol';
import type { BookmarkRow, NoteRow, SessionHistoryRow, SessionRow } from './agenda.repository.ts';

export function presentSession(row: SessionRow): Session {
  return {
    id: row.id,
    eventId: row.eventId,
    title: row.title,
    description: row.description,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    room: row.room,
    track: row.track,
    tags: row.tags,
    speakerIds: row.speakerIds,
    capacity: row.capacity,
    cancelled: row.cancelledAt !== null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The fields a history entry records: what an organiser edits, not ids or bookkeeping times. */
export const TRACKED_FIELDS = [
  'title',
  'description',
  'startsAt',
  'endsAt',
  'room',
  'track',
  'tags',
  'speakerIds',
  'capacity',
  'cancelled',
] as const satisfies readonly (keyof Session)[];
export type TrackedField = (typeof TRACKED_FIELDS)[number];
export type Snapshot = Partial<Pick<Session, TrackedField>>;

/** The full snapshot a `created` history entry keeps as `after`. */
export function snapshotOf(session: Session): Snapshot {
  return Object.fromEntries(TRACKED_FIELDS.map((f) => [f, session[f]])) as Snapshot;
}

/** Only what differs: `before`/`after` of an `updated` entry and the `changed` list of its change record. */
export function diffSessions(before: Session, after: Session) {
  const changed = TRACKED_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
  const pick = (s: Session) => Object.fromEntries(changed.map((f) => [f, s[f]])) as Snapshot;
  return { changed, before: pick(before), after: pick(after) };
}

export function presentHistory(row: SessionHistoryRow): AgendaChange {
  return {
    id: row.id,
    sessionId: row.sessionId,
    actorId: row.actorId,
    kind: row.kind as AgendaChange['kind'],
    at: row.at.toISOString(),
    before: (row.before as AgendaChange['before']) ?? null,
    after: (row.after as AgendaChange['after']) ?? null,
  };
}

export function presentNote(sessionId: string, row: NoteRow | undefined): Note {
  return { sessionId, body: row?.body ?? '', updatedAt: row ? row.updatedAt.toISOString() : null };
}

export function presentBookmark(row: BookmarkRow): Bookmark {
  return { sessionId: row.sessionId, eventId: row.eventId, createdAt: row.createdAt.toISOString() };
}
