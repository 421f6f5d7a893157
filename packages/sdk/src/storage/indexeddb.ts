import type { StorageAdapter } from '../platform.ts';

/**
 * The parts of the IndexedDB API this adapter uses, declared here so the SDK compiles without the
 * DOM library (and runs against `fake-indexeddb` under Node).
 */
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface IdbObjectStore {
  get(key: string): IdbRequest<unknown>;
  put(value: unknown, key: string): IdbRequest<unknown>;
  delete(key: string): IdbRequest<unknown>;
}
interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction;
  close(): void;
  onversionchange: (() => void) | null;
}
export interface IdbFactoryLike {
  open(name: string, version: number): IdbOpenRequest;
}

const STORE = 'kv';

/**
 * Storage in IndexedDB: one object store of keys to values. A write resolves when its transaction
 * completes (durable), not when the request succeeds. Pass `factory` to use something other than
 * the global `indexedDB` (tests pass fake-indexeddb's).
 */
export class IndexedDbStorage implements StorageAdapter {
  private readonly name: string;
  private readonly factory: IdbFactoryLike;
  private db: Promise<IdbDatabase> | null = null;

  constructor(options: { name?: string; factory?: IdbFactoryLike } = {}) {
    this.name = options.name ?? 'muster';
    const factory = options.factory ?? (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
    if (!factory) throw new Error('IndexedDB is not available here; use MemoryStorage or another adapter');
    this.factory = factory;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readonly');
    const value = await request(tx.objectStore(STORE).get(key));
    return value as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.write((store) => store.put(value, key));
  }

  async delete(key: string): Promise<void> {
    await this.write((store) => store.delete(key));
  }

  /** Closes the connection; the next call opens it again. */
  async close(): Promise<void> {
    const db = await this.db?.catch(() => null);
    db?.close();
    this.db = null;
  }

  private async write(change: (store: IdbObjectStore) => void): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(STORE, 'readwrite');
    change(tx.objectStore(STORE));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  private open(): Promise<IdbDatabase> {
    this.db ??= new Promise<IdbDatabase>((resolve, reject) => {
      const req = this.factory.open(this.name, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab upgrading the database: let it, and reopen on our next call.
        db.onversionchange = () => {
          db.close();
          this.db = null;
        };
        resolve(db);
      };
      req.onerror = () => {
        this.db = null;
        reject(req.error);
      };
      req.onblocked = () => undefined;
    });
    return this.db;
  }
}

function request<T>(req: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}
