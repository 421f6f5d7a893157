import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { StorageAdapter } from '../platform.ts';
import { type IdbFactoryLike, IndexedDbStorage } from './indexeddb.ts';
import { MemoryStorage } from './memory.ts';

/** The contract every storage adapter keeps; run against each. */
async function contract(storage: StorageAdapter) {
  expect(await storage.get('missing')).toBeUndefined();
  const value = { nested: { list: [1, 'two', null], flag: true }, text: 'é 🎉' };
  await storage.set('k', value);
  const read = await storage.get<typeof value>('k');
  expect(read).toEqual(value);
  // What was read is a copy: changing it does not change what is stored.
  read!.nested.list.push(4);
  expect(await storage.get('k')).toEqual(value);
  await storage.set('k', 'replaced');
  expect(await storage.get('k')).toBe('replaced');
  await storage.delete('k');
  expect(await storage.get('k')).toBeUndefined();
}

describe('storage adapters', () => {
  it('memory keeps the contract', async () => {
    await contract(new MemoryStorage());
  });

  it('IndexedDB keeps the contract and its data across connections (a reload)', async () => {
    const factory = new IDBFactory() as unknown as IdbFactoryLike;
    const storage = new IndexedDbStorage({ factory, name: 'muster-test' });
    await contract(storage);
    await storage.set('outbox:u1', [{ key: 'a', attempts: 0 }]);
    await storage.close();
    const reopened = new IndexedDbStorage({ factory, name: 'muster-test' });
    expect(await reopened.get('outbox:u1')).toEqual([{ key: 'a', attempts: 0 }]);
    // Concurrent writes all land, in order.
    await Promise.all(Array.from({ length: 20 }, (_, i) => reopened.set(`k${i}`, i)));
    expect(await Promise.all(Array.from({ length: 20 }, (_, i) => reopened.get(`k${i}`)))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    await reopened.close();
  });

  it('says clearly when there is no IndexedDB', () => {
    expect(() => new IndexedDbStorage()).toThrow(/IndexedDB is not available/);
  });
});
