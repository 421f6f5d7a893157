import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../../test/harness.ts';
import { queryRows } from '../db/client.ts';
import { throttledPublisher } from './throttled-publisher.ts';

const server = useTestServer();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A publisher that records which "state" (a counter) it read and when its claim was made: the
 * database's `now()` in the publishing transaction, the instant the interval is kept between (the
 * wall clock when `publish` runs also counts whatever delayed the transaction, e.g. a busy pool).
 */
function recording(name: string, state: { value: number }) {
  const runs: { at: number; read: number }[] = [];
  const of = throttledPublisher({
    name,
    intervalMs: 250,
    async publish(work) {
      const read = state.value;
      const [claim] = await queryRows<{ at: number }>(
        work.tx,
        sql`SELECT (extract(epoch from now()) * 1000)::float8 AS at`,
      );
      runs.push({ at: Number(claim!.at), read });
    },
  });
  return { runs, publisher: of(server.platform) };
}

describe('throttled publisher', () => {
  it('publishes a burst of touches as a few records, the last reading the final state', async () => {
    const state = { value: 0 };
    const { runs, publisher } = recording('test.burst', state);
    const started = Date.now();
    while (Date.now() - started < 1000) {
      state.value++;
      publisher.touch('k');
      await sleep(5);
    }
    await sleep(700);
    // ~1 s of touches every 5 ms: at most one record per 250 ms (+ the first and the trailing one).
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(7);
    expect(runs.at(-1)!.read).toBe(state.value);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.at - runs[i - 1]!.at).toBeGreaterThanOrEqual(240);
  });

  it('keeps the rate across two nodes sharing the database, and both changes get published', async () => {
    const state = { value: 0 };
    // Two publishers of one name stand for two nodes: they share only the marks in the database.
    const a = recording('test.nodes', state);
    const b = recording('test.nodes', state);
    const started = Date.now();
    while (Date.now() - started < 1000) {
      state.value++;
      (state.value % 2 ? a : b).publisher.touch('k');
      await sleep(5);
    }
    await sleep(800);
    const all = [...a.runs, ...b.runs].sort((x, y) => x.at - y.at);
    expect(all.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < all.length; i++) expect(all[i]!.at - all[i - 1]!.at).toBeGreaterThanOrEqual(240);
    expect(all.at(-1)!.read).toBe(state.value);
  });

  it('keeps keys apart', async () => {
    const state = { value: 0 };
    const { runs, publisher } = recording('test.keys', state);
    publisher.touch('one');
    publisher.touch('two');
    await sleep(300);
    expect(runs).toHaveLength(2);
  });
});
