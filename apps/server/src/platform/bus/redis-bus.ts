import type { Change } from '@muster/protocol';
import type { Bus, ChangeListener } from './bus.ts';

const CHANNEL = 'muster:changes';

/** Cross-node bus over Redis pub/sub; every node, including the publisher, receives each change once. */
export async function createRedisBus(url: string, onError: (error: Error) => void): Promise<Bus> {
  // Loaded only where Redis is configured: a laptop's start does not pay for the client.
  const { Redis } = await import('ioredis');
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const sub = new Redis(url, { lazyConnect: true });
  pub.on('error', onError);
  sub.on('error', onError);
  await Promise.all([pub.connect(), sub.connect()]);
  await sub.subscribe(CHANNEL);
  const listeners = new Set<ChangeListener>();
  sub.on('message', (_channel: string, payload: string) => {
    let batch: Change[];
    try {
      batch = JSON.parse(payload) as Change[];
    } catch {
      return;
    }
    for (const change of batch) for (const listener of listeners) listener(change);
  });
  return {
    async publish(changes) {
      if (changes.length) await pub.publish(CHANNEL, JSON.stringify(changes));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      sub.disconnect();
      await pub.quit().catch(() => pub.disconnect());
    },
  };
}
