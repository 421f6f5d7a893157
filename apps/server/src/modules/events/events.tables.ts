import type { ImageRef } from '@muster/protocol';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { belongsTo, instant, refersTo, stampedAt } from '../../platform/db/columns.ts';
import { communities } from '../communities/communities.tables.ts';
import { users } from '../identity/identity.tables.ts';

export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey(),
    communityId: belongsTo('community_id', () => communities.id),
    title: text('title').notNull(),
    description: text('description'),
    /** draft | published | live | ended | archived */
    status: text('status').notNull().default('draft'),
    /** public | unlisted | private */
    visibility: text('visibility').notNull(),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    timezone: text('timezone').notNull(),
    venue: text('venue'),
    onlineUrl: text('online_url'),
    coverImageUrl: text('cover_image_url'),
    /** The uploaded cover's rendition set (an `ImageRef`); the bytes live in `image_variants`. */
    coverImage: jsonb('cover_image').$type<ImageRef>(),
    capacity: integer('capacity'),
    /** Maintained in the RSVP transaction, under the event row lock, so it never drifts. */
    goingCount: integer('going_count').notNull().default(0),
    waitlistCount: integer('waitlist_count').notNull().default(0),
    createdBy: refersTo('created_by', () => users.id),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    index('events_community_idx').on(t.communityId),
    index('events_status_starts_idx').on(t.status, t.startsAt),
  ],
);

export const eventRoles = pgTable(
  'event_roles',
  {
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    role: text('role').notNull(),
    grantedAt: stampedAt('granted_at'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.userId] }), index('event_roles_user_idx').on(t.userId)],
);

/** Arrival order for the waitlist: drawn while the event row is locked, so it is the order of arrival. */
export const rsvpQueueOrder = pgSequence('rsvp_queue_order');

export const rsvps = pgTable(
  'rsvps',
  {
    eventId: belongsTo('event_id', () => events.id),
    userId: belongsTo('user_id', () => users.id),
    /** going | waitlisted | interested | declined */
    status: text('status').notNull(),
    queueOrder: bigint('queue_order', { mode: 'number' }).notNull(),
    createdAt: stampedAt('created_at'),
    updatedAt: stampedAt('updated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.userId] }),
    index('rsvps_event_status_order_idx').on(t.eventId, t.status, t.queueOrder),
    index('rsvps_user_idx').on(t.userId),
  ],
);
