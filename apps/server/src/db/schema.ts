/** Every table, for drizzle-kit's migration generator (drizzle.config.ts). Not imported by platform. */
export * from '../modules/agenda/agenda.tables.ts';
export * from '../modules/communities/communities.tables.ts';
export * from '../modules/events/events.tables.ts';
export * from '../modules/forms/forms.tables.ts';
export * from '../modules/identity/identity.tables.ts';
export * from '../modules/leads/leads.followups.tables.ts';
export * from '../modules/leads/leads.tables.ts';
export * from '../modules/media/media.tables.ts';
export * from '../modules/messaging/messaging.tables.ts';
export * from '../modules/moderation/moderation.tables.ts';
export * from '../modules/notifications/notifications.tables.ts';
export * from '../modules/referrals/referrals.tables.ts';
export * from '../platform/changes/changes.tables.ts';
export * from '../platform/http/idempotency.tables.ts';
export * from '../platform/jobs/processed-jobs.tables.ts';
export * from '../platform/live/live.tables.ts';
export * from '../platform/mail/mail-quota.tables.ts';
