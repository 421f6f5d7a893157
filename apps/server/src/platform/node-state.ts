import type { Platform } from './context.ts';

/** Something a node holds that must finish its accepted work before the node closes. */
export interface Drainable {
  /** Takes no new work from now on; resolves once everything already accepted has settled. */
  drain(): Promise<void>;
}

const drainables = new WeakMap<Platform, Set<Drainable>>();

/**
 * Per-node state, one instance per Platform: several test servers in one process never share a
 * batcher or a cache. The one place that keys state by Platform, so modules declare what they
 * hold instead of hiding it in module-level maps. State that `isDrainable` says can drain is
 * drained by `drainNode` on shutdown.
 */
export function perNode<T>(create: (platform: Platform) => T): (platform: Platform) => T {
  const instances = new WeakMap<Platform, T>();
  return (platform) => {
    let instance = instances.get(platform);
    if (instance === undefined) {
      instance = create(platform);
      instances.set(platform, instance);
      if (isDrainable(instance)) {
        const set = drainables.get(platform) ?? new Set();
        set.add(instance);
        drainables.set(platform, set);
      }
    }
    return instance;
  };
}

function isDrainable(value: unknown): value is Drainable {
  return typeof value === 'object' && value !== null && typeof (value as Drainable).drain === 'function';
}

/**
 * Shutdown step between "stop accepting requests" and "close the database": every per-node
 * batcher refuses new items (503 `unavailable`) and flushes what it already accepted, so no
 * acknowledged write is lost and no caller hangs.
 */
export async function drainNode(platform: Platform): Promise<void> {
  const set = drainables.get(platform);
  if (!set) return;
  await Promise.all([...set].map((d) => d.drain()));
}
