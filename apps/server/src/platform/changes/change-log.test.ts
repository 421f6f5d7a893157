import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';
import { untypedChange } from '../../../test/untyped-change.ts';
import { withTx } from '../db/unit-of-work.ts';
import { readChanges, readHeads } from './change-log.ts';

const server = useTestServer();

const write = (scope: string, n: number, fail = false) =>
  withTx(server.platform, async ({ append }) => {
    await append(untypedChange({ scope, entity: 'test.written', op: 'upsert', id: `w${n}`, data: { n } }));
    if (fail) throw new Error('rolled back on purpose');
  });

describe('change log', () => {
  it('keeps every scope gap-free and ordered under concurrent writers, including rollbacks', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ scope: fc.constantFrom('a', 'b', 'c'), fail: fc.boolean() }), {
          minLength: 1,
          maxLength: 25,
        }),
        async (writes) => {
          round += 1;
          const scoped = writes.map((w) => ({ ...w, scope: `test:${round}-${w.scope}` }));
          await Promise.allSettled(scoped.map((w, i) => write(w.scope, i, w.fail)));
          for (const scope of new Set(scoped.map((w) => w.scope))) {
            const committed = scoped.filter((w) => w.scope === scope && !w.fail).length;
            const read = await readChanges(server.platform.db, scope, 0, 1000);
            if ('reset' in read) throw new Error('unexpected reset');
            expect(read.changes.map((c) => c.seq)).toEqual(
              Array.from({ length: committed }, (_, i) => i + 1),
            );
            expect(read.head).toBe(committed);
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  it('keeps scopes gap-free when batched and single appends interleave', async () => {
    const scopes = ['test:batch-a', 'test:batch-b', 'test:batch-c'];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        withTx(server.platform, async ({ append, appendMany }) => {
          if (i % 3 === 0)
            await append(
              untypedChange({
                scope: scopes[i % 3]!,
                entity: 'test.single',
                op: 'upsert',
                id: `s${i}`,
                data: {},
              }),
            );
          else
            await appendMany(
              [scopes[2]!, scopes[0]!, scopes[2]!, scopes[1]!].map((scope, j) =>
                untypedChange({ scope, entity: 'test.batched', op: 'upsert', id: `b${i}-${j}`, data: { j } }),
              ),
            );
        }),
      ),
    );
    for (const scope of scopes) {
      const read = await readChanges(server.platform.db, scope, 0, 1000);
      if ('reset' in read) throw new Error('unexpected reset');
      expect(read.changes.map((c) => c.seq)).toEqual(Array.from({ length: read.head }, (_, k) => k + 1));
    }
    // Within one batch, two records of the same scope keep their given order.
    const c = await readChanges(server.platform.db, scopes[2]!, 0, 1000);
    if ('reset' in c) throw new Error('unexpected reset');
    const firstBatch = c.changes.filter((x) => x.id.startsWith('b1-')).map((x) => x.id);
    expect(firstBatch).toEqual(['b1-0', 'b1-2']);
  });

  it('reads after a cursor with paging, and answers reset for a cursor beyond the head', async () => {
    for (let i = 0; i < 7; i++) await write('test:paging', i);
    const page = await readChanges(server.platform.db, 'test:paging', 2, 3);
    expect(page).toMatchObject({ head: 7, hasMore: true });
    if ('reset' in page) throw new Error('unexpected reset');
    expect(page.changes.map((c) => c.seq)).toEqual([3, 4, 5]);
    expect(await readChanges(server.platform.db, 'test:paging', 9, 3)).toEqual({ reset: true, head: 7 });
    expect(await readHeads(server.platform.db, ['test:paging', 'test:none'])).toEqual({
      'test:paging': 7,
      'test:none': 0,
    });
  });

  it('publishes only after commit, and never what rolled back', async () => {
    const before = server.published.length;
    await write('test:publish', 1);
    await write('test:publish', 2, true).catch(() => {});
    const mine = server.published.slice(before).filter((c) => c.scope === 'test:publish');
    expect(mine.map((c) => [c.seq, c.data])).toEqual([[1, { n: 1 }]]);
  });

  it('relays changes whose publication was lost (a node crashed between commit and publish)', async () => {
    const { publisher } = server.platform;
    const original = publisher.afterCommit;
    publisher.afterCommit = async () => {}; // the crash: committed, never published, outbox row left behind
    try {
      await write('test:relay', 1);
    } finally {
      publisher.afterCommit = original;
    }
    expect(server.published.some((c) => c.scope === 'test:relay')).toBe(false);
    // Other tests' rows may still await their background clear; relay until nothing is left. The
    // server's own relay timer may get there first on a loaded machine: either way it is one publish.
    while ((await publisher.relayOnce(0)) > 0);
    expect(server.published.filter((c) => c.scope === 'test:relay').map((c) => c.seq)).toEqual([1]);
    expect(await publisher.relayOnce(0)).toBe(0);
  });
});
