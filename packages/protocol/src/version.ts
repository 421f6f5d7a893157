/**
 * Wire protocol version. Bump on any wire change and add a line below;
 * servers accept clients within [MIN_SUPPORTED_PROTOCOL_VERSION, PROTOCOL_VERSION].
 *
 * History:
 * 1 — identity, communities, events, RSVP, agenda, bookmarks, notes, sync.
 * 2 — real-time gateway (subscribe, change, heads, typing, presence, draining), messaging.
 * 3 — e-mail verification, password reset, `emailVerified`/`isAdmin` on one's own user, dev
 *     mailbox; forms and submissions (202 intake, status, CSV), queue administration; leads
 *     (sources, stages, notes, explained score, CSV), referrals (codes, claim, ledger,
 *     leaderboard), follow-up sequences and unsubscribe. Additive: version 2 clients keep working.
 */
export const PROTOCOL_VERSION = 3;
export const MIN_SUPPORTED_PROTOCOL_VERSION = 1;
