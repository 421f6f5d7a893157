import {
  ErrorCode,
  isScopeKind,
  isUuid,
  MAX_SYNC_SCOPES,
  parseScope,
  type Scope,
  type ScopeKind,
  scopeFor,
} from '@muster/protocol';
import { createKeyedBatcher } from '../../platform/batching/keyed-batcher.ts';
import type { Platform } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { invalid } from '../../platform/errors.ts';
import { sessionEventId } from '../agenda/index.ts';
import { communityRolesAmong } from '../communities/index.ts';
import { canViewEvent, isEventScanner, isEventStaff, loadEventAccessAmong } from '../events/index.ts';
import { channelReadersAmong } from '../messaging/index.ts';
import { pollFollowersAmong } from '../polls/index.ts';

/** One `kind:id@seq` item of a sync request; `scope` is normalised (lower-case id) for reading the log. */
export interface ScopeCursor {
  kind: ScopeKind;
  id: string;
  scope: Scope;
  after: number;
}

/** Either a cursor to serve or a per-scope refusal; `key` is the scope as the client wrote it. */
export type ScopeRequest = { key: string; cursor: ScopeCursor } | { key: string; refused: ErrorCode };

/**
 * Who may follow the scopes of one kind: which of `userIds` may follow `kind:<id>` (decided for many
 * users at once, in a fixed number of queries), and the code everyone else is refused with. Nothing
 * else about the scope is revealed.
 */
interface ScopeRule {
  refusal: ErrorCode;
  followers(q: Queryable, id: string, userIds: readonly string[]): Promise<Set<string>>;
}

/**
 * Who may follow which scope: the one set of rules for sync and for the realtime gateway's
 * `subscribe` (which batches the subscriptions of many sockets to one scope). A scope kind added to
 * the protocol's SCOPE_KINDS fails tsc here until it has its rule.
 */
const scopeRules: { [K in ScopeKind]: ScopeRule } = {
  event: { refusal: ErrorCode.not_found, followers: viewersAmong },
  // Bookmarks and private notes travel on `user:<id>`: only its owner, and no lookup is needed.
  user: {
    refusal: ErrorCode.forbidden,
    followers: async (_q, id, userIds) => new Set(userIds.filter((userId) => userId === id)),
  },
  community: {
    refusal: ErrorCode.not_found,
    followers: async (q, id, userIds) => new Set((await communityRolesAmong(q, id, userIds)).keys()),
  },
  // Readers of the channel by its kind's rule (event role, or DM/group membership).
  channel: { refusal: ErrorCode.not_found, followers: channelReadersAmong },
  // A session's live audience: whoever may see its event.
  session: {
    refusal: ErrorCode.not_found,
    async followers(q, id, userIds) {
      const eventId = await sessionEventId(q, id);
      return eventId ? viewersAmong(q, eventId, userIds) : new Set();
    },
  },
  // A poll's results: presenters always, the audience by the poll's results visibility.
  poll: { refusal: ErrorCode.not_found, followers: pollFollowersAmong },
  // An event's moderator queue and audit: its organisers and staff.
  moderation: {
    refusal: ErrorCode.not_found,
    async followers(q, id, userIds) {
      const access = await loadEventAccessAmong(q, id, userIds);
      return new Set(access ? userIds.filter((userId) => isEventStaff(access.accessOf(userId))) : []);
    },
  },
  // An event's door: scans, revocations and the dashboard, for organisers, staff and volunteers.
  door: {
    refusal: ErrorCode.not_found,
    async followers(q, id, userIds) {
      const access = await loadEventAccessAmong(q, id, userIds);
      return new Set(access ? userIds.filter((userId) => isEventScanner(access.accessOf(userId))) : []);
    },
  },
};

async function viewersAmong(q: Queryable, eventId: string, userIds: readonly string[]): Promise<Set<string>> {
  const access = await loadEventAccessAmong(q, eventId, userIds);
  return new Set(access ? userIds.filter((userId) => canViewEvent(access.accessOf(userId))) : []);
}

const ITEM = /^([a-z][a-z_]{0,31}):([^@]{1,100})@([0-9]{1,16})$/;

/** Parses one item; a malformed item is refused on its own, without failing the others. */
export function parseScopeItem(item: string): ScopeRequest {
  const at = item.lastIndexOf('@');
  const key = at >= 0 ? item.slice(0, at) : item;
  const match = ITEM.exec(item);
  if (!match) return { key, refused: ErrorCode.validation_failed };
  const [, kind = '', rawId = '', seq = ''] = match;
  if (!isScopeKind(kind)) return { key, refused: ErrorCode.not_found };
  const after = Number(seq);
  const scope = scopeFor(kind, rawId.toLowerCase());
  const parsed = parseScope(scope);
  if (!parsed || !Number.isSafeInteger(after)) return { key, refused: ErrorCode.validation_failed };
  return { key, cursor: { kind, id: parsed.id, scope, after } };
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
  const rule = scopeRules[cursor.kind];
  return (await rule.followers(q, cursor.id, [userId])).has(userId) ? null : rule.refusal;
}

/** At most this many subscriptions to one scope are decided together (one array parameter each). */
const SUBSCRIBE_BATCH = 1000;

/**
 * The same rules for the realtime gateway's `subscribe`: a scope string → its normalised name or a
 * refusal. Subscriptions to one scope that arrive together (a crowd connecting to one event) are
 * decided together: while one decision for a scope runs, the next requests for it queue and are
 * then decided as one batch, so N sockets cost a handful of queries instead of N × 4.
 */
export function scopeAuthorizer(platform: Platform) {
  const batcher = createKeyedBatcher<{ userId: string; cursor: ScopeCursor }, boolean>({
    maxBatch: SUBSCRIBE_BATCH,
    async run(_scope, items) {
      const { kind, id } = items[0]!.cursor;
      // Ids go to the database as one uuid[]: a malformed one must not fail the whole batch.
      const userIds = items.map((item) => item.userId).filter(isUuid);
      const followers = await scopeRules[kind].followers(platform.db, id, userIds);
      return items.map(({ userId }) => ({ ok: true, value: followers.has(userId) }));
    },
  });
  return async (userId: string, scope: string): Promise<{ scope: string } | { refused: string }> => {
    const parsed = parseScopeItem(`${scope}@0`);
    if ('refused' in parsed) return { refused: parsed.refused };
    const { cursor } = parsed;
    return (await batcher.submit(cursor.scope, { userId, cursor }))
      ? { scope: cursor.scope }
      : { refused: scopeRules[cursor.kind].refusal };
  };
}
