import type { Platform } from '../context.ts';
import { perNode } from '../node-state.ts';
import { createKeyedBatcher, type KeyedBatcher, type Outcome } from './keyed-batcher.ts';

/**
 * A module's group commit: one keyed batcher per node (so `drainNode` drains it on shutdown and
 * two test servers in one process never share one), whose batches run against that node's
 * Platform. Modules declare it once, at module level, and call `batcherOf(ctx.platform).submit`.
 */
export function perNodeBatcher<I, O>(options: {
  /** Up to this many items of one key share a transaction; the rest wait for the next one. */
  maxBatch: number;
  run(platform: Platform, key: string, items: I[]): Promise<Outcome<O>[]>;
}): (platform: Platform) => KeyedBatcher<I, O> {
  return perNode((platform) =>
    createKeyedBatcher<I, O>({
      maxBatch: options.maxBatch,
      run: (key, items) => options.run(platform, key, items),
    }),
  );
}
