import type { Redis } from 'ioredis';

/**
 * Who is online per scope (event). Each node counts its own sockets per user; with Redis the users
 * are also kept in a sorted set per scope, scored by an expiry that every node refreshes, so the
 * count spans nodes and a crashed node's users fade out within `ttlMs`.
 */
export interface Presence {
  join(scope: string, userId: string): void;
  leave(scope: string, userId: string): void;
  online(scope: string): Promise<number>;
  localScopes(): string[];
  /** Re-asserts this node's users in the shared store; call periodically. */
  refresh(): Promise<void>;
}

const TTL_MS = 30_000;

export function createPresence(redis: Redis | undefined): Presence {
  const local = new Map<string, Map<string, number>>();
  const key = (scope: string) => `muster:presence:${scope}`;
  return {
    join(scope, userId) {
      const users = local.get(scope) ?? new Map<string, number>();
      users.set(userId, (users.get(userId) ?? 0) + 1);
      local.set(scope, users);
      if (redis) void redis.zadd(key(scope), Date.now() + TTL_MS, userId).catch(() => {});
    },
    leave(scope, userId) {
      const users = local.get(scope);
      const count = (users?.get(userId) ?? 0) - 1;
      if (!users) return;
      if (count > 0) {
        users.set(userId, count);
        return;
      }
      users.delete(userId);
      if (!users.size) local.delete(scope);
      // Another node may still hold this user; its next refresh re-adds them.
      if (redis) void redis.zrem(key(scope), userId).catch(() => {});
    },
    async online(scope) {
      if (!redis) return local.get(scope)?.size ?? 0;
      try {
        return await redis.zcount(key(scope), Date.now(), '+inf');
      } catch {
        return local.get(scope)?.size ?? 0;
      }
    },
    localScopes: () => [...local.keys()],
    async refresh() {
      if (!redis) return;
      const expiry = Date.now() + TTL_MS;
      const pipeline = redis.pipeline();
      for (const [scope, users] of local) {
        for (const userId of users.keys()) pipeline.zadd(key(scope), expiry, userId);
        pipeline.zremrangebyscore(key(scope), '-inf', Date.now());
        pipeline.pexpire(key(scope), TTL_MS * 2);
      }
      await pipeline.exec().catch(() => {});
    },
  };
}
