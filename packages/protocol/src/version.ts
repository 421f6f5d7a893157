/**
 * Wire protocol version. Bump on any wire change and add a line below;
 * servers accept clients within [MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION].
 *
 * History:
 * 1 — identity, communities, events, RSVP, agenda, bookmarks, notes, sync.
 * 2 — real-time gateway (subscribe, change, heads, typing, presence, draining), messaging.
 */
export const PROTOCOL_VERSION = 2;
export const MIN_SUPPORTED_PROTOCOL_VERSION = 1;
