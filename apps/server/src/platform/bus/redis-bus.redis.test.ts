import type { Change } from '@muster/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import type { Bus } from './bus.ts';
import { createRedisBus } from './redis-bus.ts';

const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: Bus[] = [];
afterAll(async () => {
  for (const bus of opened) await bus.close();
});

const change = (seq: number): Change => ({
  scope: `test:${process.pid}`,
  seq,
  entity: 'test.sent',
  op: 'upsert',
  id: String(seq),
  data: { seq },
  at: new Date().toISOString(),
});

describe('redis bus', () => {
  it('delivers a change published on one node to every node, in order', async () => {
    const [a, b] = await Promise.all([createRedisBus(url, () => {}), createRedisBus(url, () => {})]);
    opened.push(a, b);
    const seenByA: number[] = [];
    const seenByB: number[] = [];
    a.subscribe((c) => c.scope === `test:${process.pid}` && seenByA.push(c.seq));
    b.subscribe((c) => c.scope === `test:${process.pid}` && seenByB.push(c.seq));
    await a.publish([change(1), change(2)]);
    await b.publish([change(3)]);
    await expect.poll(() => seenByB.length, { timeout: 5000 }).toBe(3);
    await expect.poll(() => seenByA.length, { timeout: 5000 }).toBe(3);
    expect(seenByB).toEqual([1, 2, 3]);
    expect(seenByA).toEqual([1, 2, 3]);
  });
});
