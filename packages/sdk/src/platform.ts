/**
 * What the SDK needs from the platform it runs on, behind small adapters: the core touches no DOM
 * and no Node API, so the same code runs in browsers, Node (tests, scripts, kiosks) and React Native.
 */

/**
 * Durable key-value storage (IndexedDB in browsers, memory in tests, AsyncStorage or SQLite in an
 * app). Values are JSON-compatible; `set` resolves once the value is durable.
 */
export interface StorageAdapter {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SignalState {
  /** The device believes it has a network. When false the SDK sends nothing and does not reconnect. */
  online: boolean;
  /** The app is on screen. When false the real-time connection is paused. */
  visible: boolean;
}

/** Online and visibility signals (browser events, React Native NetInfo and AppState, or set by hand). */
export interface SignalsAdapter {
  current(): SignalState;
  subscribe(listener: (state: SignalState) => void): () => void;
}

export type TimerHandle = unknown;

/** Time and randomness, replaceable so that backoff is testable. */
export interface TimersAdapter {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  now(): number;
  random(): number;
}

/** The standard `fetch` signature the SDK uses (a subset, so any conforming implementation fits). */
export type FetchLike = (
  url: string,
  /** `body` is JSON text, or the raw bytes of an upload (an image). */
  init: { method: string; headers: Record<string, string>; body?: string | Blob; signal?: AbortSignal },
) => Promise<ResponseLike>;

export interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export const defaultTimers: TimersAdapter = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => Date.now(),
  random: () => Math.random(),
};

/** Signals set by the host application: the default where the SDK cannot observe the platform. */
export interface ManualSignals extends SignalsAdapter {
  set(state: Partial<SignalState>): void;
}

export function manualSignals(initial: Partial<SignalState> = {}): ManualSignals {
  let state: SignalState = { online: true, visible: true, ...initial };
  const listeners = new Set<(state: SignalState) => void>();
  return {
    current: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(change) {
      const next = { ...state, ...change };
      if (next.online === state.online && next.visible === state.visible) return;
      state = next;
      for (const listener of [...listeners]) listener(state);
    },
  };
}

/**
 * A random idempotency key. `crypto.randomUUID` where present (browsers, Node); otherwise random
 * bytes or, as a last resort (React Native without a crypto polyfill), Math.random: the key only
 * needs to be unique per user, not secret.
 */
export function newKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string; getRandomValues?: Uint8ArrayFill } })
    .crypto;
  if (c?.randomUUID) return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Uint8ArrayFill = (array: Uint8Array) => Uint8Array;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of `min(max, base·2ⁿ)`, so
 * a thousand clients dropped at once do not come back in lockstep, yet none retries instantly.
 */
export function backoffDelay(attempt: number, random: () => number, baseMs = 500, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
