import { MusterClient } from '@muster/sdk';
import { browserSignals } from '@muster/sdk/browser';
import { IndexedDbStorage } from '@muster/sdk/indexeddb';

/**
 * The app's one SDK client. Tokens, the local store and the outbox live in IndexedDB, so a reload
 * with no network opens on the last known state with every queued write still queued; online and
 * visibility come from the browser, so the socket pauses when the tab is hidden.
 */
export const client = new MusterClient({
  baseUrl: window.location.origin,
  storage: new IndexedDbStorage({ name: 'muster' }),
  signals: browserSignals(),
  // Bound: the SDK calls `fetch` as a method of its transport, which browsers refuse ("Illegal invocation").
  fetch: (url, init) => window.fetch(url, init),
});

/** Resolves once a saved session (if any) is restored: the app renders after it. */
export const started: Promise<MusterClient> = client.start();
