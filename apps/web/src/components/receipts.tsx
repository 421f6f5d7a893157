import { scopes } from '@muster/protocol';
import { useEffect, useRef } from 'react';
import { client } from '../client.ts';
import { loadCommunityRoles } from '../hooks/event.ts';
import { useOnline, useTables } from '../hooks/store.ts';
import { newestFromOthers } from '../lib/unread.ts';

const PRIVATE = new Set(['dm', 'group']);

/**
 * Runs while signed in, renders nothing. Follows every DM and group the user is in (the user scope
 * announces new ones), plus the channels the server says they are active in, so their messages
 * arrive and stay available offline; and acknowledges delivery of what arrived, which moves the
 * senders' ticks from sent to delivered.
 */
export function Receipts() {
  const tables = useTables();
  const online = useOnline();
  const marked = useRef(new Map<string, number>());

  useEffect(() => {
    if (!online) return;
    void loadCommunityRoles();
    client.api.me
      .channels({ limit: 100 })
      .then((page) => {
        const channelScopes = page.items.map((c) => scopes.channel(c.id));
        if (channelScopes.length) return client.follow(...channelScopes);
      })
      .catch(() => undefined);
  }, [online]);

  useEffect(() => {
    const followed = new Set(client.store.followed());
    const fresh = Object.values(tables.channels)
      .filter((c) => PRIVATE.has(c.kind) && !followed.has(scopes.channel(c.id)))
      .map((c) => scopes.channel(c.id));
    if (fresh.length) client.follow(...fresh).catch(() => undefined);

    const me = client.user?.id ?? '';
    for (const channel of Object.values(tables.channels)) {
      if (!PRIVATE.has(channel.kind)) continue;
      const newest = newestFromOthers(tables, channel.id, me);
      const delivered = Math.max(
        tables.readStates[channel.id]?.lastDeliveredSeq ?? 0,
        marked.current.get(channel.id) ?? 0,
      );
      if (newest > delivered) {
        marked.current.set(channel.id, newest);
        void client.markDelivered(channel.id, newest);
      }
    }
  }, [tables]);
  return null;
}
