import { type Static, Type } from 'typebox';
import { Timestamp } from './common.ts';

/** One record of a scope's change log; deletes are tombstones (`op: 'delete'`, `data: null`). */
export const Change = Type.Object({
  scope: Type.String(),
  seq: Type.Integer({ minimum: 1 }),
  entity: Type.String(),
  op: Type.Union([Type.Literal('upsert'), Type.Literal('delete')]),
  id: Type.String(),
  data: Type.Unknown(),
  at: Timestamp,
});
export type Change = Static<typeof Change>;

/** `scope@seq` items separated by commas; seq is the last one the client has (0 for none). */
export const SyncQuery = Type.Object({
  scopes: Type.String({ minLength: 1, maxLength: 4000 }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
});
export type SyncQuery = Static<typeof SyncQuery>;

export const ScopeChanges = Type.Object({
  changes: Type.Array(Change),
  head: Type.Integer({ minimum: 0 }),
  hasMore: Type.Boolean(),
});
export const ScopeReset = Type.Object({ reset: Type.Literal(true), head: Type.Integer({ minimum: 0 }) });
/** A scope the caller may not follow (or that does not exist) is refused, never revealed. */
export const ScopeRefused = Type.Object({ refused: Type.Literal(true), code: Type.String() });

export const SyncResult = Type.Object({
  scopes: Type.Record(Type.String(), Type.Union([ScopeChanges, ScopeReset, ScopeRefused])),
});
export type SyncResult = Static<typeof SyncResult>;

/** Most scopes one sync call may ask for; more is a malformed request (400). */
export const MAX_SYNC_SCOPES = 50;
