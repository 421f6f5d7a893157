import type { Session } from '@muster/protocol';

/**
 * Sessions whose title, room, track or speakers' names have a word starting with every word of
 * the query (case- and accent-insensitive): "room b" finds Room B, not "Room A" because "numbers"
 * contains a b. Client side over the synced store, so it works offline.
 */
export function searchSessions(
  sessions: readonly Session[],
  query: string,
  names: Record<string, string>,
): Session[] {
  const words = fold(query)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (words.length === 0) return [...sessions];
  return sessions.filter((s) => {
    const haystack = fold(
      [s.title, s.room ?? '', s.track ?? '', ...s.speakerIds.map((id) => names[id] ?? '')].join(' '),
    ).split(/[^\p{L}\p{N}]+/u);
    return words.every((word) => haystack.some((candidate) => candidate.startsWith(word)));
  });
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The sessions on now (started, not ended, not cancelled) and the next ones to start (all starting at the earliest next time). */
export function nowAndNext(sessions: readonly Session[], now: number): { now: Session[]; next: Session[] } {
  const live = sessions.filter((s) => !s.cancelled);
  const on = live.filter((s) => Date.parse(s.startsAt) <= now && Date.parse(s.endsAt) > now);
  const upcoming = live
    .filter((s) => Date.parse(s.startsAt) > now)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const first = upcoming[0]?.startsAt;
  return { now: on, next: first ? upcoming.filter((s) => s.startsAt === first) : [] };
}
