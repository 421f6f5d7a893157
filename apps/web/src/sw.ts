/**
 * The service worker: precaches the app shell (every built file, listed by the build) and answers
 * every navigation with the cached `index.html`, so the app opens with no network. The API, the
 * socket and the operational endpoints are never intercepted: the SDK keeps data offline in
 * IndexedDB, not here.
 */
import type { PushPayload } from '@muster/protocol';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: (string | { url: string; revision: string | null })[];
};

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), {
    denylist: [/^\/(api|socket\.io|healthz|readyz|metrics)(\/|$)/],
  }),
);

// A new version takes over at once; the page picks it up on its next load.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/**
 * A push shows one notification per tag (a chat, a session): a newer one replaces the older
 * instead of stacking ("12 new messages in #general" once, not 12 times). The server sends none
 * to a device whose app is on screen.
 */
self.addEventListener('push', (event) => {
  const payload = event.data?.json() as PushPayload | undefined;
  if (!payload) return;
  event.waitUntil(
    self.registration.showNotification(payload.title, {
      body: payload.body ?? undefined,
      tag: payload.tag,
      icon: '/icon-192.png',
      badge: '/icon-192.png',
      data: { url: payload.url, id: payload.id },
    }),
  );
});

/** Opens (or focuses) the app at the notification's place; the app marks it read there. */
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data as { url?: string } | null)?.url ?? '/', self.location.origin);
  if (url.origin !== self.location.origin) return; // never navigate off the app from a push
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (open) {
        await open.focus();
        await open.navigate(url.href);
      } else await self.clients.openWindow(url.href);
    })(),
  );
});
