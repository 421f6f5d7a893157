import type { Speaker } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../client.ts';
import { rememberNames } from '../lib/names.ts';

/**
 * Speakers are read once per event per app start and shared by every row and screen that shows
 * them: an agenda of a hundred sessions makes one request, not a hundred. A failed read is
 * forgotten so the next screen tries again.
 */
const loaded = new Map<string, Promise<Speaker[]>>();

function loadSpeakers(eventId: string): Promise<Speaker[]> {
  let pending = loaded.get(eventId);
  if (!pending) {
    pending = client.api.events.speakers(eventId).then(
      (list) => {
        // Known names make the agenda searchable by speaker.
        rememberNames(list.items.map((s) => ({ userId: s.id, name: s.name })));
        return list.items;
      },
      (error: unknown) => {
        loaded.delete(eventId);
        throw error;
      },
    );
    loaded.set(eventId, pending);
  }
  return pending;
}

/** The event's speakers (undefined while loading or when they cannot be read, e.g. offline). */
export function useSpeakers(eventId: string | undefined): Speaker[] | undefined {
  const [speakers, setSpeakers] = useState<Speaker[]>();
  useEffect(() => {
    if (!eventId) return;
    let cancelled = false;
    loadSpeakers(eventId).then(
      (items) => (cancelled ? undefined : setSpeakers(items)),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [eventId]);
  return speakers;
}
