import type { SessionMark } from '@muster/sdk';

/**
 * Which session changes the user has looked at (opened the session after it changed), so the
 * agenda's "changed" marker stays until then. Kept on the device.
 */
const KEY = 'muster:seen-changes';
let seen: Record<string, string> = read();

function read(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

export function isUnseen(sessionId: string, mark: SessionMark | undefined): boolean {
  if (!mark) return false;
  const at = seen[sessionId];
  return !at || at < mark.at;
}

export function markSeen(sessionId: string, mark: SessionMark | undefined): void {
  if (!mark || !isUnseen(sessionId, mark)) return;
  seen = { ...seen, [sessionId]: mark.at };
  localStorage.setItem(KEY, JSON.stringify(seen));
}

const fieldNames: Record<string, string> = {
  startsAt: 'time',
  endsAt: 'time',
  room: 'room',
  track: 'track',
  title: 'title',
  description: 'description',
  speakerIds: 'speakers',
  capacity: 'capacity',
  tags: 'tags',
};

/** "room, time" for a mark's changed fields. */
export function describeChange(mark: SessionMark): string {
  return [...new Set(mark.changed.map((field) => fieldNames[field] ?? field))].join(', ');
}
