import { type Static, Type } from 'typebox';
import { Id, Timestamp, TimeZone } from './common.ts';

/**
 * What a notification is about, as the person chooses what reaches them (PRODUCT.md E3). Every
 * source names one: agenda (session changes, waitlist promotion, tickets issued), announcements
 * (announcement channels, polls opened), mentions (mentions, replies to my message or question),
 * dms (direct and group messages), social (moderation of my content, connections), gamification,
 * marketing.
 */
export const NOTIFICATION_CATEGORIES = [
  'announcements',
  'agenda',
  'mentions',
  'dms',
  'social',
  'gamification',
  'marketing',
] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];
export const NotificationCategory = Type.Union(NOTIFICATION_CATEGORIES.map((c) => Type.Literal(c)));

/** Where a notification may reach someone besides the inbox list. */
export const NOTIFICATION_CHANNELS = ['push', 'email', 'inApp'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * An inbox item: `data` of a `notifications.created` change on `user:<id>` (the change id is the
 * item id). A grouped item ("12 new messages in #general") is one row whose `count`, `title` and
 * `updatedAt` change in place; `groupKey` names the thing it is about (a channel, session or event
 * scope), so opening that thing marks it read. `url` is the app path it opens.
 */
export const Notification = Type.Object({
  id: Id,
  category: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.Union([Type.String(), Type.Null()]),
  url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  groupKey: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  count: Type.Optional(Type.Integer({ minimum: 1 })),
  data: Type.Unknown(),
  createdAt: Timestamp,
  updatedAt: Type.Optional(Timestamp),
  readAt: Type.Union([Timestamp, Type.Null()]),
});
export type Notification = Static<typeof Notification>;

/** `GET /api/v1/me/notifications`: newest first; `unread` counts every unread item, not one page. */
export const NotificationPage = Type.Object({
  items: Type.Array(Notification),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  unread: Type.Integer({ minimum: 0 }),
});
export type NotificationPage = Static<typeof NotificationPage>;

export const NotificationListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
});
export type NotificationListQuery = Static<typeof NotificationListQuery>;

/** Mark some items read (`ids`, at most 200) or every item (`all: true`). */
export const MarkNotificationsRead = Type.Object(
  {
    ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 200 })),
    all: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);
export type MarkNotificationsRead = Static<typeof MarkNotificationsRead>;

/** `data` of `notifications.unreadChanged` on `user:<id>` (id: the user's id): the live badge. */
export const NotificationUnread = Type.Object({ unread: Type.Integer({ minimum: 0 }) });
export type NotificationUnread = Static<typeof NotificationUnread>;

/** `data` of `notifications.allRead`: every item created at or before `upTo` is read. */
export const NotificationsAllRead = Type.Object({ upTo: Timestamp, readAt: Timestamp });
export type NotificationsAllRead = Static<typeof NotificationsAllRead>;

export const ChannelSwitches = Type.Object(
  { push: Type.Boolean(), email: Type.Boolean(), inApp: Type.Boolean() },
  { additionalProperties: false },
);
export type ChannelSwitches = Static<typeof ChannelSwitches>;

/** `HH:MM`, 24-hour. */
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', maxLength: 5 });

/** Nothing but critical items is pushed between `start` and `end` in `timezone` (may span midnight). */
export const QuietHours = Type.Object(
  { start: ClockTime, end: ClockTime, timezone: TimeZone },
  { additionalProperties: false },
);
export type QuietHours = Static<typeof QuietHours>;

/**
 * A mute: nothing about `scope` (`channel:<id>`, `event:<id>` or `session:<id>`) is pushed or
 * mailed until `until` (for ever when null); the inbox still lists it.
 */
export const NotificationMute = Type.Object(
  {
    scope: Type.String({ maxLength: 80 }),
    until: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  },
  { additionalProperties: false },
);
export type NotificationMute = Static<typeof NotificationMute>;

/** One entry per category (all required in answers, any subset in a PUT). */
const perCategory = Object.fromEntries(NOTIFICATION_CATEGORIES.map((c) => [c, ChannelSwitches])) as {
  [C in NotificationCategory]: typeof ChannelSwitches;
};

export const NotificationPreferences = Type.Object(
  {
    categories: Type.Object(perCategory, { additionalProperties: false }),
    quietHours: Type.Union([QuietHours, Type.Null()]),
    muted: Type.Array(NotificationMute, { maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type NotificationPreferences = Static<typeof NotificationPreferences>;

/** `PUT /api/v1/me/notification-preferences`: any subset; `categories` may name some categories only. */
export const NotificationPreferencesBody = Type.Object(
  {
    categories: Type.Optional(Type.Partial(Type.Object(perCategory, { additionalProperties: false }))),
    quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
    muted: Type.Optional(Type.Array(NotificationMute, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type NotificationPreferencesBody = Static<typeof NotificationPreferencesBody>;

/** A browser's `PushSubscription.toJSON()`, as the app posts it. */
export const PushSubscriptionBody = Type.Object({
  endpoint: Type.String({ format: 'uri', maxLength: 1024, pattern: '^https?://' }),
  keys: Type.Object({
    p256dh: Type.String({ minLength: 80, maxLength: 100, pattern: '^[A-Za-z0-9_-]+=*$' }),
    auth: Type.String({ minLength: 16, maxLength: 30, pattern: '^[A-Za-z0-9_-]+=*$' }),
  }),
  expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
});
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

export const PushSubscriptionView = Type.Object({ id: Id, endpoint: Type.String(), createdAt: Timestamp });
export type PushSubscriptionView = Static<typeof PushSubscriptionView>;

export const VapidKey = Type.Object({ publicKey: Type.String() });
export type VapidKey = Static<typeof VapidKey>;

/**
 * Socket event `device.visibility` (client → server): this device shows the app (`visible`) or
 * not; `pushSubscriptionId` names its push subscription, which gets no push while visible.
 */
export const DeviceVisibility = Type.Object(
  { visible: Type.Boolean(), pushSubscriptionId: Type.Optional(Type.Union([Id, Type.Null()])) },
  { additionalProperties: false },
);
export type DeviceVisibility = Static<typeof DeviceVisibility>;

/** What a push carries to the service worker (kept small: push services cap payloads at ~4 KB). */
export interface PushPayload {
  id: string;
  title: string;
  body: string | null;
  url: string;
  /** Collapses notifications on the device: a newer one with the same tag replaces the older. */
  tag: string;
  count: number;
}
