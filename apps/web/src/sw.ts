/**
 * The service worker: precaches the app shell (every built file, listed by the build) and answers
 * every navigation with the cached `index.html`, so the app opens with no network. The API, the
 * socket and the operational endpoints are never intercepted: the SDK keeps data offline in
 * IndexedDB, not here.
 */
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
