import { EventEmitter } from 'node:events';
import type { Change } from '@muster/protocol';

export type ChangeListener = (change: Change) => void;

/**
 * Carries committed change records between nodes. It is a best-effort pipe: a lost publication
 * is healed by clients through sync (heads heartbeat), never by the bus remembering anything.
 */
export interface Bus {
  publish(changes: readonly Change[]): Promise<void>;
  subscribe(listener: ChangeListener): () => void;
  close(): Promise<void>;
}

/** Single-node bus: delivers to listeners in this process. */
export function createMemoryBus(): Bus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(changes) {
      for (const change of changes) emitter.emit('change', change);
    },
    subscribe(listener) {
      emitter.on('change', listener);
      return () => emitter.off('change', listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}
