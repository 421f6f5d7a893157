import type { Change } from '@muster/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScopeTracker } from './tracker.ts';

const SCOPE = 'event:01900000-0000-7000-8000-000000000001';
const record = (seq: number): Change => ({
  scope: SCOPE,
  seq,
  entity: 'test.changed',
  op: 'upsert',
  id: `row-${seq}`,
  data: { seq },
  at: new Date(0).toISOString(),
});

/** A cursor store that records what it applied. */
function memoryStore(start = 0) {
  const cursors = new Map([[SCOPE, start]]);
  const applied: number[] = [];
  return {
    applied,
    cursor: (scope: string) => cursors.get(scope),
    applyInOrder(changes: readonly Change[]) {
      for (const change of changes) {
        applied.push(change.seq);
        cursors.set(change.scope, change.seq);
      }
    },
  };
}

describe('ScopeTracker', () => {
  it('applies in order, ignores duplicates and reports a gap', () => {
    const store = memoryStore();
    const tracker = new ScopeTracker(store, () => true);
    expect(tracker.push(record(1))).toBe(false);
    expect(tracker.push(record(1))).toBe(false);
    expect(tracker.push(record(3))).toBe(true);
    expect(store.applied).toEqual([1]);
    expect(tracker.hasGap(SCOPE)).toBe(true);
    tracker.fromLog(SCOPE, [record(2), record(3)]);
    expect(store.applied).toEqual([1, 2, 3]);
    expect(tracker.hasGap()).toBe(false);
    expect(tracker.behind({ [SCOPE]: 3 })).toBe(false);
    expect(tracker.behind({ [SCOPE]: 4 })).toBe(true);
  });

  it('holds records of a scope whose snapshot is loading, and of none it does not follow', () => {
    const cursors = new Map<string, number>();
    const applied: number[] = [];
    const tracker = new ScopeTracker(
      {
        cursor: (scope) => cursors.get(scope),
        applyInOrder: (changes) => {
          for (const c of changes) {
            applied.push(c.seq);
            cursors.set(c.scope, c.seq);
          }
        },
      },
      (scope) => scope === SCOPE,
    );
    expect(tracker.push(record(5))).toBe(false);
    expect(tracker.push({ ...record(1), scope: 'event:other' })).toBe(false);
    cursors.set(SCOPE, 4); // the snapshot was at seq 4
    tracker.settle(SCOPE);
    expect(applied).toEqual([5]);
  });

  it('keeps a bounded buffer, nearest the cursor', () => {
    const store = memoryStore();
    const tracker = new ScopeTracker(store, () => true, 3);
    for (const seq of [2, 3, 4, 5, 6]) tracker.push(record(seq));
    tracker.fromLog(SCOPE, [record(1)]);
    expect(store.applied).toEqual([1, 2, 3, 4]);
  });

  it('applies every record exactly once in seq order, however the socket and sync deliver them', () => {
    // A log of n records; the socket delivers a shuffled, lossy, duplicating stream of them, and
    // syncs (each a consecutive page from the cursor at that moment) happen at random points.
    const deliveries = fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('push' as const), seq: fc.integer({ min: 1, max: 40 }) }),
        fc.record({ kind: fc.constant('sync' as const), page: fc.integer({ min: 1, max: 15 }) }),
      ),
      { maxLength: 120 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        deliveries,
        fc.integer({ min: 2, max: 50 }),
        (n, steps, max) => {
          const store = memoryStore();
          const tracker = new ScopeTracker(store, () => true, max);
          const page = (size: number) => {
            const from = (store.cursor(SCOPE) ?? 0) + 1;
            return Array.from({ length: Math.max(0, Math.min(size, n - from + 1)) }, (_, i) =>
              record(from + i),
            );
          };
          for (const step of steps) {
            if (step.kind === 'push' && step.seq <= n) tracker.push(record(step.seq));
            if (step.kind === 'sync') tracker.fromLog(SCOPE, page(step.page));
          }
          // The final catch-up a gap or the heads beat would trigger.
          while ((store.cursor(SCOPE) ?? 0) < n) tracker.fromLog(SCOPE, page(10));
          expect(store.applied).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        },
      ),
      { numRuns: 300 },
    );
  });
});
