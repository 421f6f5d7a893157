import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyedBatcher, type Outcome } from './keyed-batcher.ts';

describe('keyed batcher', () => {
  it('drains on shutdown: accepted items are committed and answered, later ones get 503 unavailable', async () => {
    const committed: number[] = [];
    const batcher = createKeyedBatcher<number, number>({
      maxBatch: 2,
      async run(_key, batch) {
        await new Promise((r) => setTimeout(r, 5));
        committed.push(...batch);
        return batch.map((n): Outcome<number> => ({ ok: true, value: n }));
      },
    });
    const accepted = [1, 2, 3, 4, 5].map((n) => batcher.submit('k', n));
    const drained = batcher.drain();
    await expect(batcher.submit('k', 6)).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    await drained;
    expect(committed).toEqual([1, 2, 3, 4, 5]);
    expect(await Promise.all(accepted)).toEqual([1, 2, 3, 4, 5]);
    await batcher.drain();
  });

  it('runs one batch at a time per key, in arrival order, and answers every item', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 99 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 8 }),
        async (items, maxBatch) => {
          const seen: Record<string, number[]> = { a: [], b: [] };
          let concurrentPerKey = 0;
          const active = new Set<string>();
          const batcher = createKeyedBatcher<number, number>({
            maxBatch,
            async run(key, batch) {
              if (active.has(key)) concurrentPerKey++;
              active.add(key);
              expect(batch.length).toBeLessThanOrEqual(maxBatch);
              await new Promise((r) => setTimeout(r, 1));
              seen[key]!.push(...batch);
              active.delete(key);
              return batch.map(
                (n): Outcome<number> =>
                  n % 7 === 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 },
              );
            },
          });
          const results = await Promise.allSettled(items.map(([key, n]) => batcher.submit(key, n)));
          expect(concurrentPerKey).toBe(0);
          for (const key of ['a', 'b'])
            expect(seen[key]).toEqual(items.filter(([k]) => k === key).map(([, n]) => n));
          results.forEach((r, i) => {
            const n = items[i]![1];
            if (n % 7 === 0) expect(r.status).toBe('rejected');
            else expect(r).toEqual({ status: 'fulfilled', value: n * 2 });
          });
          await batcher.idle();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('retries a batch that throws item by item, so only the item that breaks it fails', async () => {
    const runs: number[][] = [];
    const batcher = createKeyedBatcher<number, number>({
      maxBatch: 10,
      async run(_key, batch) {
        runs.push(batch);
        if (batch.includes(13)) throw new Error('the database refuses 13');
        return batch.map((n) => ({ ok: true as const, value: n * 2 }));
      },
    });
    const results = await Promise.allSettled([1, 13, 2].map((n) => batcher.submit('k', n)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('the database refuses 13') },
      { status: 'fulfilled', value: 4 },
    ]);
    expect(runs).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it('fails each item whose run throws alone too, and keeps serving the key', async () => {
    let down = true;
    const batcher = createKeyedBatcher<number, number>({
      maxBatch: 10,
      async run(_key, batch) {
        if (down) throw new Error('database down');
        return batch.map((n) => ({ ok: true as const, value: n }));
      },
    });
    const first = await Promise.allSettled([batcher.submit('k', 1), batcher.submit('k', 2)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    down = false;
    expect(await batcher.submit('k', 3)).toBe(3);
  });
});
