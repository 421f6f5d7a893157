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
 * 4 — hardening (issue 11): socket events `revoked {scope, code}` and `session_ended {reason}`,
 *     handshake error `too_many_sockets`, change entities `identity.sessionRevoked`,
 *     `communities.memberRemoved`, `communities.communityVerified`; `deviceToken` on sign-in
 *     answers and login bodies; community invitations, leaving, blocks; `Community.verified`;
 *     lead captures by reps answer a 202 receipt; follow-up confirmation; `Schedule` answers
 *     `conflictGroups` and per-item `conflictGroup`/`overlaps` instead of every conflicting pair;
 *     the agenda honours `limit`/`cursor`; error code `limit_reached`; name fields carry a pattern.
 * 5 — media (issue 12): `ImageRef`; `Event.coverImage` (optional); `PUT|DELETE
 *     /api/v1/events/:id/cover` (raw image body); `GET /api/v1/images/:hash/:width.(webp|jpeg)`.
 * 6 — speakers and profile photos (issue 12): `User.avatar` (optional ImageRef); `PUT|DELETE
 *     /api/v1/me/avatar`; `GET /api/v1/events/:id/speakers[/:userId]` (`Speaker`, `SpeakerList`,
 *     `SpeakerDetail`); attendee directory `GET /api/v1/events/:id/directory?q=&interest=`
 *     (`DirectoryEntry`, `DirectoryQuery`), `User.directoryVisible` (own profile) and on `PATCH
 *     /api/v1/me`; `ChannelView.receipts` (other members' read markers for a fresh device); the change
 *     catalogue names `communities.memberAdded`/`memberRoleChanged` (already sent) and gives
 *     `notifications.created` and `agenda.sessionChangedForYou` schemas (`Notification`,
 *     `SessionChangedForYou`); `entities` names every change entity. Additive: the wire is unchanged.
 * 7 — live audience and moderation (issue 13): scope kinds `session:<id>`, `poll:<id>` and
 *     `moderation:<eventId>`; polls (`Poll`, `PollResults`, `Ballot`, `PollView`), questions
 *     (`Question`, `Upvote`, `SessionQnaSettings`), session feedback (`Feedback`, `FeedbackSummary`, `FeedbackDue`),
 *     moderation (`ModerationItem`, `AuditEntry`, `ModerationSettings`, `Restriction`, reports and
 *     actions, `BulkModerationResult`, `ModerationQueueQuery`, `AuditQuery`) and their change
 *     entities; `PollVoter(List)` for named polls; error code `content_refused` (422: a text the event's filters refuse). Additive.
 * 8 — tickets and the door (issue 14): scope kind `door:<eventId>`; ticket types and quotas
 *     (`TicketType`, `TicketQuota`), orders (`Order`, holds, `checkoutUrl`), tickets with signed codes
 *     (`Ticket`, ticket-code.ts `MT1.` format, `CheckinKeys`, `TicketRevocation`), scans (`CheckinBody`,
 *     `CheckinResult`, batches, `Checkin`), the door dashboard (`DoorStats`), staff search, room
 *     attendance (`SessionCheckinBody`, `SessionAttendance`), badges; their change entities. Additive.
 * 9 — notifications (issue 15): `Notification` gains `url`, `groupKey`, `count`, `updatedAt` (grouped
 *     items change in place); `NotificationPage` with `unread`; mark read; preferences (categories ×
 *     push/email/inApp, quiet hours, mutes); push subscriptions and the VAPID key; socket event
 *     `device.visibility`; change entities `notifications.unreadChanged` and `notifications.allRead`. Additive.
 * 10 — engagement (issue 16): points ledger (`PointsEntry`, `MyPoints`), boards (`Leaderboard`,
 *     `Standing`, teams first), teams (`Team`, `CreateTeamBody`, `TeamList`), game settings
 *     (`EngagementSettings`), individual-board opt-out; change entities `engagement.pointsChanged`,
 *     `engagement.leaderboardChanged`, `engagement.teamChanged`, `engagement.achievementUnlocked`
 *     (`Achievement`, `AchievementList`); team challenges (`Challenge`, `CreateChallengeBody`); hunts (`Hunt`, `HuntCheckpoint`,
 *     `CreateHuntBody`, `ClaimCheckpointBody`, `CheckpointClaimed`); networking (`Connection`,
 *     `ConnectionRequestBody`, `ContactCard`, `Recommendation`) and `networking.connectionChanged`; `referrals.referralAttributed`;
 *     moderation target type `points`, `VoidPointsBody`. Additive.
 */
export const PROTOCOL_VERSION = 10;
export const MIN_SUPPORTED_PROTOCOL_VERSION = 1;
