import {
  IdParams,
  MarkNotificationsRead,
  NotificationListQuery,
  NotificationPage,
  NotificationPreferences,
  NotificationPreferencesBody,
  PushSubscriptionBody,
  PushSubscriptionView,
  VapidKey,
} from '@muster/protocol';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.ts';
import { authedCtx } from '../../platform/http/request-context.ts';
import type { App } from '../../platform/http/server.ts';
import { loadVapidKeys } from '../../platform/push/vapid.ts';
import { listNotifications, markRead } from './notifications.inbox.ts';
import { getPreferences, putPreferences } from './notifications.preferences.ts';
import { subscribe, unsubscribe } from './notifications.subscriptions.ts';

const tags = ['notifications'];
const security = [{ bearer: [] }];

/** The inbox, preferences and push subscriptions (API.md "Notifications"). */
export function notificationRoutes(app: App, platform: Platform) {
  app.get(
    '/api/v1/me/notifications',
    {
      schema: {
        tags,
        security,
        description: 'My inbox, newest change first; `unread` counts every unread item.',
        querystring: NotificationListQuery,
        response: { 200: NotificationPage },
      },
    },
    async (request) => listNotifications(authedCtx(platform, request), request.query),
  );
  app.post(
    '/api/v1/me/notifications/read',
    {
      schema: {
        tags,
        security,
        description: 'Marks the given items read, or every item (`all: true`); their groups close.',
        body: MarkNotificationsRead,
        response: { 200: Type.Object({ unread: Type.Integer() }) },
      },
    },
    async (request) => markRead(authedCtx(platform, request), request.body),
  );
  app.get(
    '/api/v1/me/notification-preferences',
    { schema: { tags, security, response: { 200: NotificationPreferences } } },
    async (request) => getPreferences(authedCtx(platform, request)),
  );
  app.put(
    '/api/v1/me/notification-preferences',
    {
      schema: {
        tags,
        security,
        description: 'Changes what was sent: some categories, quiet hours (null: none), the whole mute list.',
        body: NotificationPreferencesBody,
        response: { 200: NotificationPreferences },
      },
    },
    async (request) => putPreferences(authedCtx(platform, request), request.body),
  );
  app.post(
    '/api/v1/me/push-subscriptions',
    {
      schema: {
        tags,
        security,
        description: "This device's Web Push subscription (`PushSubscription.toJSON()`).",
        body: PushSubscriptionBody,
        response: { 201: PushSubscriptionView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await subscribe(authedCtx(platform, request), request.body)),
  );
  app.delete(
    '/api/v1/me/push-subscriptions/:id',
    { schema: { tags, security, params: IdParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await unsubscribe(authedCtx(platform, request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/v1/push/vapid-key',
    {
      schema: {
        tags,
        description: 'The application server key to subscribe with.',
        response: { 200: VapidKey },
      },
    },
    async () => ({ publicKey: (await loadVapidKeys(platform.config, platform.db)).publicKey }),
  );
}
