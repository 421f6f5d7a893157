import type { SyncQuery, SyncResult } from '@muster/protocol';
import { readChanges } from '../../platform/changes/change-log.ts';
import type { AuthedCtx } from '../../platform/context.ts';
import { authorizeScope, parseScopes } from './sync.scopes.ts';

/** Bounds one answer whatever the number of scopes; a scope left out says `hasMore` and is pulled next. */
export const MAX_CHANGES_PER_SYNC = 5000;

type ScopeAnswer = SyncResult['scopes'][string];

/**
 * One round trip catches a client up: for each scope, the changes after its cursor (or `reset` when
 * the cursor is unknown or compacted away). Every scope is authorised before anything of it is read.
 * It reads the primary, never a replica: a lagging replica would make fresh cursors look "ahead of
 * head" and force needless resets.
 */
export async function sync(ctx: AuthedCtx, query: SyncQuery): Promise<SyncResult> {
  const requests = parseScopes(query.scopes);
  const limit = query.limit ?? 500;
  const q = ctx.platform.db;
  let budget = MAX_CHANGES_PER_SYNC;
  const answers: [string, ScopeAnswer][] = [];
  for (const request of requests) {
    if ('refused' in request) {
      answers.push([request.key, { refused: true, code: request.refused }]);
      continue;
    }
    const refusal = await authorizeScope(q, ctx.actor.userId, request.cursor);
    if (refusal) {
      answers.push([request.key, { refused: true, code: refusal }]);
      continue;
    }
    const read = await readChanges(q, request.cursor.scope, request.cursor.after, Math.min(limit, budget));
    if ('changes' in read) budget -= read.changes.length;
    answers.push([request.key, read]);
  }
  // fromEntries defines own properties, so a key such as `__proto__` cannot touch the prototype.
  return { scopes: Object.fromEntries(answers) };
}
