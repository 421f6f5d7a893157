import { ErrorCode, MAX_SYNC_SCOPES } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import { communityRoleOf } from '../communities/index.ts';
import { canViewEvent, loadEventAccess } from '../events/index.ts';
import { channelReadAccess } from '../messaging/index.ts';

/** One `kind:id@seq` item of a sync request; `scope` is normalised (lower-case id) for reading the log. */
export interface ScopeCursor {
  kind: string;
  id: string;
  scope: string;
  after: number;
}

/** Either a cursor to serve or a per-scope refusal; `key` is the scope as the client wrote it. */
export type ScopeRequest = { key: string; cursor: ScopeCursor } | { key: string; refused: ErrorCode };

/** Why a caller may not follow a scope (`null`: they may). Nothing else about the scope is revealed. */
type ScopeAuthorizer = (q: Queryable, userId: string, id: string) => Promise<ErrorCode | null>;

/**
 * Who may follow which scope. The realtime gateway's `subscribe` must apply the same rules, so it
 * calls `authorizeScope` too; a module adding a scope kind (e.g. `channel`) adds one line here.
 */
const scopeKinds: Record<string, ScopeAuthorizer> = {
  event: async (q, userId, id) => {
    const access = await loadEventAccess(q, id, userId);
    return access && canViewEvent(access) ? null : ErrorCode.not_found;
  },
  // Bookmarks and private notes travel on `user:<id>`: only its owner, and no lookup is needed.
  user: async (_q, userId, id) => (id === userId ? null : ErrorCode.forbidden),
  community: async (q, userId, id) =>
    (await communityRoleOf(q, id, userId)) !== null ? null : ErrorCode.not_found,
  // Readers of the channel by its kind's rule (event role, or DM/group membership).
  channel: async (q, userId, id) => ((await channelReadAccess(q, id, userId)) ? null : ErrorCode.not_found),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ITEM = /^([a-z][a-z_]{0,31}):([^@]{1,100})@([0-9]{1,16})$/;

/** Parses one item; a malformed item is refused on its own, without failing the others. */
export function parseScopeItem(item: string): ScopeRequest {
  const at = item.lastIndexOf('@');
  const key = at >= 0 ? item.slice(0, at) : item;
  const match = ITEM.exec(item);
  if (!match) return { key, refused: ErrorCode.validation_failed };
  const [, kind = '', rawId = '', seq = ''] = match;
  if (!Object.hasOwn(scopeKinds, kind)) return { key, refused: ErrorCode.not_found };
  const after = Number(seq);
  if (!UUID.test(rawId) || !Number.isSafeInteger(after)) return { key, refused: ErrorCode.validation_failed };
  const id = rawId.toLowerCase();
  return { key, cursor: { kind, id, scope: `${kind}:${id}`, after } };
}

/**
 * Parses the `scopes` parameter. The list as a whole must be well formed (no empty items, at most
 * MAX_SYNC_SCOPES, each scope once) or the request is a 400; single bad items are refused per scope.
 */
export function parseScopes(param: string): ScopeRequest[] {
  const items = param.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw invalid('querystring.scopes', 'must be a comma-separated list of scope@seq');
  if (items.length > MAX_SYNC_SCOPES)
    throw invalid('querystring.scopes', `must list at most ${MAX_SYNC_SCOPES} scopes`);
  const parsed = items.map(parseScopeItem);
  const keys = new Set(parsed.map((p) => ('cursor' in p ? p.cursor.scope : p.key)));
  if (keys.size !== parsed.length) throw invalid('querystring.scopes', 'must not list a scope twice');
  return parsed;
}

/** Authorise before revealing: `null` when `userId` may follow the scope, else the refusal code. */
export async function authorizeScope(
  q: Queryable,
  userId: string,
  cursor: ScopeCursor,
): Promise<ErrorCode | null> {
  const authorize = scopeKinds[cursor.kind];
  return authorize ? authorize(q, userId, cursor.id) : ErrorCode.not_found;
}

/** The same rules for the realtime gateway's `subscribe`: a scope string → its normalised name or a refusal. */
export function scopeAuthorizer(platform: Platform) {
  return async (userId: string, scope: string): Promise<{ scope: string } | { refused: string }> => {
    const parsed = parseScopeItem(`${scope}@0`);
    if ('refused' in parsed) return { refused: parsed.refused };
    const refusal = await authorizeScope(platform.db, userId, parsed.cursor);
    return refusal ? { refused: refusal } : { scope: parsed.cursor.scope };
  };
}
