/**
 * `@muster/sdk`: the one way a client talks to Muster. No DOM and no Node API in the core;
 * platform specifics come through adapters (storage, signals, timers). IndexedDB storage is at
 * `@muster/sdk/indexeddb`, browser signals at `@muster/sdk/browser`.
 */
export { type ClientEvents, MusterClient, type MusterClientOptions } from './client.ts';
export {
  type DoorEvents,
  type DoorOptions,
  DoorScanner,
  type DoorState,
  type ScanVerdict,
} from './door/door.ts';
export { type OfflineCheck, type OfflineVerdict, OfflineVerifier } from './door/verifier.ts';
export { Emitter } from './emitter.ts';
export { isTransient, MusterApiError, MusterNetworkError, SignedOutError } from './errors.ts';
export { type Api, createApi, type PageOf, type WriteOptions } from './http/api.ts';
export { Auth, type SignOutReason, type StoredAuth, tokenExpiry } from './http/auth.ts';
export { type RequestOptions, Transport } from './http/transport.ts';
export type { Mutation, MutationInput, MutationKind } from './outbox/mutations.ts';
export { Outbox } from './outbox/outbox.ts';
export {
  backoffDelay,
  defaultTimers,
  type FetchLike,
  type ManualSignals,
  manualSignals,
  newKey,
  type SignalState,
  type SignalsAdapter,
  type StorageAdapter,
  type TimersAdapter,
} from './platform.ts';
export { normaliseScope, UserSession } from './session.ts';
export { MemoryStorage } from './storage/memory.ts';
export type { UnreadableReason } from './store/apply.ts';
export * from './store/selectors.ts';
export { Store, type StoreListener } from './store/store.ts';
export type {
  LocalBallot,
  LocalMessage,
  LocalQuestion,
  NotificationRecord,
  SessionMark,
  TableName,
  Tables,
} from './store/tables.ts';
export type { UnreadableEvents } from './store/unreadable.ts';
export type { ConnectionStatus, RealtimeOptions, SocketFactory } from './sync/realtime.ts';
export { ScopeTracker } from './sync/tracker.ts';
