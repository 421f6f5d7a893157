import { afterAll, beforeAll } from 'vitest';

/**
 * Something a whole test file (or `describe` block) shares — a server, a mail sink — started in
 * `beforeAll` and stopped in `afterAll`. The answer stands in for it: every property read goes to
 * the started value, so tests and module-level helpers use it as if it were the value itself
 * (`server.app.inject(…)`), without a `let` assigned in a hook. Reading it before `beforeAll` has
 * run or after `afterAll` throws, instead of handing out `undefined`.
 *
 * Hooks run in the order they are registered and `afterAll` in reverse (Vitest's `stack` order), so
 * a fixture registered first starts first and stops last: a sink the server mails to outlives it.
 */
export function useFixture<T extends object>(
  what: string,
  start: () => Promise<T>,
  stop: (value: T) => Promise<unknown>,
): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    const value = current;
    current = undefined;
    if (value) await stop(value);
  });
  const started = (): T => {
    if (!current) throw new Error(`${what} runs only between beforeAll and afterAll`);
    return current;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const target = started();
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_, key, value) => Reflect.set(started(), key, value),
    has: (_, key) => Reflect.has(started(), key),
  });
}
