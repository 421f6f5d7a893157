import type { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { AppError, ErrorCode } from '../errors.ts';

export interface Limit {
  /** Unique name, also the key prefix. */
  name: string;
  points: number;
  durationSeconds: number;
}

export interface RateLimits {
  /** Consumes one point for `key`; throws `rate_limited` with Retry-After when the budget is spent. */
  consume(limit: Limit, key: string, points?: number): Promise<void>;
  /** Gives back points consumed for work that turned out to be free (a retry answered from the store). */
  refund(limit: Limit, key: string, points?: number): Promise<void>;
  reset(limit: Limit, key: string): Promise<void>;
  /**
   * Throws `rate_limited` when `key` has used up its budget, spending nothing: for limits that count
   * only outcomes (failed sign-ins), checked before the attempt and consumed after it failed.
   */
  assertAvailable(limit: Limit, key: string): Promise<void>;
  /** Consumes points for an outcome already answered: never throws `rate_limited`. */
  penalize(limit: Limit, key: string, points?: number): Promise<void>;
}

const rateLimited = (msBeforeNext: number) =>
  new AppError(ErrorCode.rate_limited, 'Too many attempts, try again later', {
    retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  });

/** Keyed limits for business keys (an account, a form), in memory or shared through Redis. */
export function createRateLimits(redis: Redis | undefined): RateLimits {
  const limiters = new Map<string, RateLimiterAbstract>();
  const limiterFor = (limit: Limit) => {
    let limiter = limiters.get(limit.name);
    if (!limiter) {
      const opts = {
        keyPrefix: `muster:rl:${limit.name}`,
        points: limit.points,
        duration: limit.durationSeconds,
      };
      limiter = redis ? new RateLimiterRedis({ ...opts, storeClient: redis }) : new RateLimiterMemory(opts);
      limiters.set(limit.name, limiter);
    }
    return limiter;
  };
  return {
    async consume(limit, key, points = 1) {
      try {
        await limiterFor(limit).consume(key, points);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw rateLimited(error.msBeforeNext);
        throw error;
      }
    },
    async refund(limit, key, points = 1) {
      await limiterFor(limit).reward(key, points);
    },
    async reset(limit, key) {
      await limiterFor(limit).delete(key);
    },
    async assertAvailable(limit, key) {
      const used = await limiterFor(limit).get(key);
      if (used && used.consumedPoints >= limit.points) throw rateLimited(used.msBeforeNext);
    },
    async penalize(limit, key, points = 1) {
      await limiterFor(limit)
        .consume(key, points)
        .catch((error: unknown) => {
          if (!(error instanceof RateLimiterRes)) throw error;
        });
    },
  };
}
