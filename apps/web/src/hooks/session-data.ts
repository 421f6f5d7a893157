import type { Session } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../client.ts';
import { useOnline, useSelect } from './store.ts';

/**
 * A session from the local store, or (a shared link, an event not opened yet) read once from the
 * server; the screen then follows its event, which brings it into the store.
 */
export function useSession(id: string): Session | undefined {
  const stored = useSelect((t) => t.sessions[id], [id]);
  const online = useOnline();
  const [fetched, setFetched] = useState<Session>();
  useEffect(() => {
    if (stored || !online || !id) return;
    client.api.sessions.get(id).then(setFetched, () => undefined);
  }, [id, stored, online]);
  return stored ?? fetched;
}
