import { createKeyedBatcher } from '../batching/keyed-batcher.ts';
import { readHeads } from '../changes/change-log.ts';
import type { Queryable } from '../db/client.ts';

/** Scopes read per statement: one bounded `in (…)` list each. */
const SCOPES_PER_READ = 500;

/**
 * Reads the heads that `subscribe` acks carry. Requests arriving together (a crowd subscribing)
 * share reads: while one read runs, the next requests queue and are then answered by one statement
 * over the union of their scopes. Every request is answered by a read that started after it was
 * made, so a socket that joined its rooms before asking cannot be told a head older than what it
 * could have missed.
 */
export function createHeadsReader(db: Queryable) {
  const batcher = createKeyedBatcher<readonly string[], Record<string, number>>({
    maxBatch: 1000,
    async run(_key, requests) {
      const scopes = [...new Set(requests.flat())];
      const heads: Record<string, number> = {};
      for (let i = 0; i < scopes.length; i += SCOPES_PER_READ)
        Object.assign(heads, await readHeads(db, scopes.slice(i, i + SCOPES_PER_READ)));
      return requests.map((wanted) => ({
        ok: true,
        value: Object.fromEntries(wanted.map((scope) => [scope, heads[scope] ?? 0])),
      }));
    },
  });
  return {
    read(scopes: readonly string[]): Promise<Record<string, number>> {
      return scopes.length ? batcher.submit('heads', scopes) : Promise.resolve({});
    },
  };
}
