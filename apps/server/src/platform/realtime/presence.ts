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
  /** The counts of many scopes in one round trip. */
  onlineMany(scopes: readonly string[]): Promise<Map<string, number>>;
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
    async onlineMany(scopes) {
      const localCounts = () => new Map(scopes.map((scope) => [scope, local.get(scope)?.size ?? 0]));
      if (!redis || !scopes.length) return localCounts();
      const pipeline = redis.pipeline();
      const now = Date.now();
      for (const scope of scopes) pipeline.zcount(key(scope), now, '+inf');
      const replies = await pipeline.exec().catch(() => null);
      if (!replies || replies.some(([error]) => error)) return localCounts();
      return new Map(scopes.map((scope, i) => [scope, Number(replies[i]![1])]));
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

/**
 * Tells sockets the online count of their scopes, at most once per interval per scope. Each tick
 * re-reads the count of every scope this node has users in and emits when it moved, whichever node
 * moved it (someone connecting to or leaving another node, a crashed node's users fading out); a
 * scope whose sockets changed here (`changed`) is emitted in any case, so a newcomer learns it.
 */
export function startPresenceTicker(
  presence: Presence,
  emit: (scope: string, online: number) => void,
  onError: (error: unknown) => void,
  intervalMs = 2000,
) {
  const changedHere = new Set<string>();
  const lastOnline = new Map<string, number>();
  let ticking = false;

  async function tick() {
    await presence.refresh();
    const changed = new Set(changedHere);
    changedHere.clear();
    const counts = await presence.onlineMany(presence.localScopes());
    for (const scope of lastOnline.keys()) if (!counts.has(scope)) lastOnline.delete(scope);
    for (const [scope, online] of counts) {
      if (lastOnline.get(scope) === online && !changed.has(scope)) continue;
      lastOnline.set(scope, online);
      emit(scope, online);
    }
  }

  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tick()
      .catch(onError)
      .finally(() => {
        ticking = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    changed: (scope: string) => void changedHere.add(scope),
    stop: () => clearInterval(timer),
  };
}
