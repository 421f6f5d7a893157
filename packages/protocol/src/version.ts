/**
 * Wire protocol version. Bump on any wire change and add a line below;
 * servers accept clients within [MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION].
 *
 * History:
 * 1 — identity, communities, events, RSVP, agenda, bookmarks, notes, sync.
 */
export const PROTOCOL_VERSION = 1;
export const MIN_SUPPORTED_PROTOCOL_VERSION = 1;
