import { createKeyedBatcher } from '../batching/keyed-batcher.ts';
import type { SocketAccess } from './access-keeper.ts';

/**
 * Whether a session (refresh family) is still signed in. A crowd reconnecting at once asks about
 * their sessions with a few queries: concurrent questions are batched into one.
 */
export function createSessionLiveness(access: SocketAccess): (familyId: string) => Promise<boolean> {
  const batcher = createKeyedBatcher<string, boolean>({
    maxBatch: 1000,
    async run(_key, familyIds) {
      const live = await access.liveSessions(familyIds);
      return familyIds.map((familyId) => ({ ok: true, value: live.has(familyId) }));
    },
  });
  return (familyId) => batcher.submit('sessions', familyId);
}
