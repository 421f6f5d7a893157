import type { SignalState, SignalsAdapter } from '../platform.ts';

/** The few browser globals read here, declared so the SDK compiles without the DOM library. */
interface BrowserGlobals {
  navigator?: { onLine?: boolean };
  document?: {
    visibilityState?: string;
    addEventListener?(type: string, listener: () => void): void;
    removeEventListener?(type: string, listener: () => void): void;
  };
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
}

/**
 * Online and visibility from the browser (`navigator.onLine`, `online`/`offline` events,
 * `document.visibilityState`). `navigator.onLine === true` only means "some network": the SDK still
 * treats failed requests as offline and retries, so a captive portal is survived too.
 */
export function browserSignals(): SignalsAdapter {
  const g = globalThis as BrowserGlobals;
  const read = (): SignalState => ({
    online: g.navigator?.onLine ?? true,
    visible: (g.document?.visibilityState ?? 'visible') !== 'hidden',
  });
  return {
    current: read,
    subscribe(listener) {
      let last = read();
      const check = () => {
        const next = read();
        if (next.online === last.online && next.visible === last.visible) return;
        last = next;
        listener(next);
      };
      g.addEventListener?.('online', check);
      g.addEventListener?.('offline', check);
      g.document?.addEventListener?.('visibilitychange', check);
      return () => {
        g.removeEventListener?.('online', check);
        g.removeEventListener?.('offline', check);
        g.document?.removeEventListener?.('visibilitychange', check);
      };
    },
  };
}
