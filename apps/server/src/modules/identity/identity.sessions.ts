import { entities, scopes } from '@muster/protocol';
import type { Work } from '../../platform/db/unit-of-work.ts';

/**
 * The record that ends a session everywhere it is open: appended to the owner's `user:<id>` scope
 * (id = the family id, as in `GET /me/devices`) in the transaction that revokes the family, so it
 * reaches every node through the change log and the bus, and the realtime gateway disconnects
 * that session's sockets. A revoked session's access token stays a valid JWT until it expires;
 * the gateway also refuses it at the handshake and on `auth`.
 */
export async function recordSessionsRevoked(work: Work, userId: string, familyIds: readonly string[]) {
  if (!familyIds.length) return;
  await work.appendMany(
    [...familyIds].sort().map((familyId) => ({
      scope: scopes.user(userId),
      entity: entities.identity.sessionRevoked,
      op: 'delete' as const,
      id: familyId,
      data: null,
      actorId: userId,
    })),
  );
}
