import type { StorageAdapter } from '../platform.ts';

/**
 * Storage in memory. Values are copied in and out (as IndexedDB's structured clone does), so a
 * caller mutating what it stored or read cannot change the stored value. Share one instance
 * between two clients to model an app restart that keeps its data.
 */
export class MemoryStorage implements StorageAdapter {
  private readonly data = new Map<string, string>();

  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }

  /** The keys held, for tests and debugging. */
  keys(): string[] {
    return [...this.data.keys()];
  }
}
