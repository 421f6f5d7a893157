import type { Session } from '@muster/protocol';

const key = (room: string) => room.trim().replace(/\s+/g, ' ').toLocaleLowerCase();

/** The rooms an event's sessions use, each once (first spelling wins), in alphabetical order. */
export function roomsOf(sessions: readonly Session[]): string[] {
  const rooms = new Map<string, string>();
  for (const session of sessions)
    if (session.room?.trim() && !rooms.has(key(session.room)))
      rooms.set(key(session.room), session.room.trim());
  return [...rooms.values()].sort((a, b) => a.localeCompare(b));
}

/**
 * The room as the organiser typed it, but in an existing room's spelling when it differs only in
 * case or spaces ("room  a" → "Room A"), so a slip of the keyboard does not make a second room.
 * Empty means no room.
 */
export function matchRoom(typed: string, rooms: readonly string[]): string | null {
  if (!typed.trim()) return null;
  return rooms.find((room) => key(room) === key(typed)) ?? typed.trim().replace(/\s+/g, ' ');
}
