import type { EventStatus, EventTransition } from '@muster/protocol';

/**
 * The event lifecycle: draft → published → live → ended → archived.
 *
 * Also allowed: `published → ended` (`end`), because organisers often never press "start" for a
 * small meetup and must still be able to close it (RSVPs close with it). Not allowed: archiving a
 * draft (archived events are readable by anyone who could see them, so archiving a never-published
 * draft would reveal it) and any step backwards (a published event has people relying on it).
 */
const transitions: Record<EventTransition, { from: readonly EventStatus[]; to: EventStatus }> = {
  publish: { from: ['draft'], to: 'published' },
  start: { from: ['published'], to: 'live' },
  end: { from: ['published', 'live'], to: 'ended' },
  archive: { from: ['ended'], to: 'archived' },
};

/** The status `transition` leads to from `current`, or null when the move is not allowed. */
export function nextStatus(current: EventStatus, transition: EventTransition): EventStatus | null {
  const rule = transitions[transition];
  return rule.from.includes(current) ? rule.to : null;
}

/** RSVPs are open while people can still come. */
export const acceptsRsvps = (status: EventStatus) => status === 'published' || status === 'live';

/** Archived events are a read-only record. */
export const isEditable = (status: EventStatus) => status !== 'archived';
