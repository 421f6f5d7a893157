/**
 * Token bucket per socket: a burst of `burst` events, refilled at `perSecond`. Cheap enough to run
 * on every event, and local to the socket, so it needs no shared store.
 */
export function createTokenBucket(perSecond: number, burst: number) {
  let tokens = burst;
  let last = performance.now();
  return {
    take(): boolean {
      const now = performance.now();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
