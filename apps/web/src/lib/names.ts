import { useSyncExternalStore } from 'react';

/**
 * Display names of other people, learned from the lists the app reads (attendees, roles, community
 * members) and kept on the device. The API has no public profile lookup yet, so a sender the app
 * has never seen in a list shows as "Member" with a short id.
 */
const KEY = 'muster:names';
let names: Record<string, string> = load();

function load(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

const listeners = new Set<() => void>();

export function rememberNames(people: readonly { userId: string; name: string }[]): void {
  let changed = false;
  for (const { userId, name } of people) {
    if (names[userId] === name) continue;
    names = { ...names, [userId]: name };
    changed = true;
  }
  if (!changed) return;
  localStorage.setItem(KEY, JSON.stringify(names));
  for (const listener of [...listeners]) listener();
}

/** Re-renders the caller when names are learned (the table itself is read through `nameOf`). */
export function useNames(): Record<string, string> {
  return useSyncExternalStore(
    (onChange) => {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    () => names,
  );
}

export function nameOf(userId: string | null, me: string | undefined): string {
  if (!userId) return 'Deleted account';
  if (userId === me) return 'You';
  return names[userId] ?? `Member ${userId.slice(-4)}`;
}
