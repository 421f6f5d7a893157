import type { ConnectionStatus, Tables } from '@muster/sdk';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { client } from '../client.ts';

/**
 * The signed-in user's local state (server-confirmed plus pending writes). The same object until
 * something changes, so components re-render only on changes. Render under `<SignedIn>`.
 */
export function useTables(): Tables {
  const store = client.store;
  return useSyncExternalStore(
    (onChange) => store.subscribe(onChange),
    () => store.getState(),
  );
}

/** A value derived from the tables, recomputed only when they change. */
export function useSelect<T>(select: (tables: Tables) => T, deps: readonly unknown[] = []): T {
  const tables = useTables();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `select` is a fresh closure each render; `deps` are its inputs
  return useMemo(() => select(tables), [tables, ...deps]);
}

/** How many writes wait in the outbox (shown in the offline banner). */
export function usePendingCount(): number {
  const [count, setCount] = useState(() => client.pending().length);
  useEffect(() => {
    setCount(client.pending().length);
    return client.events.on('pending', (event) => setCount(event.count));
  }, []);
  return count;
}

/** The browser's idea of the network (the SDK's signals read the same). */
export function useOnline(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      window.addEventListener('online', onChange);
      window.addEventListener('offline', onChange);
      return () => {
        window.removeEventListener('online', onChange);
        window.removeEventListener('offline', onChange);
      };
    },
    () => navigator.onLine,
  );
}

/** The real-time connection's state, for the header's indicator. */
export function useConnection(): ConnectionStatus {
  const [status, setStatus] = useState<ConnectionStatus>(
    () => (client.user ? client.current.realtime.status : 'stopped') as ConnectionStatus,
  );
  useEffect(() => client.events.on('status', (event) => setStatus(event.status)), []);
  return status;
}

/** Follows scopes while mounted-and-after (follows persist: they are what works offline next time). */
export function useFollow(scope: string | null): void {
  useEffect(() => {
    if (!scope) return;
    client.follow(scope).catch((error: unknown) => console.warn('muster: follow failed', scope, error));
  }, [scope]);
}
