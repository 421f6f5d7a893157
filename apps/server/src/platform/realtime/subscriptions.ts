import { MAX_SUBSCRIBE_SCOPES, SubscribeRequest, UnsubscribeRequest } from '@muster/protocol';
import type { Socket } from 'socket.io';
import { AppError, ErrorCode } from '../errors.ts';
import type { AccessKeeper, ScopeAuthorizer } from './access-keeper.ts';
import type { createHeadsReader } from './heads.ts';
import { isScopeRoom } from './rooms.ts';
import type { ScopePresence } from './scope-presence.ts';
import type { SocketHandler } from './socket-events.ts';

export interface SubscriptionDeps {
  authorize: ScopeAuthorizer;
  keeper: Pick<AccessKeeper, 'epoch' | 'recheck'>;
  headsReader: ReturnType<typeof createHeadsReader>;
  presence: ScopePresence;
}

/** Leaves a scope's room and its presence count (unsubscribe, and access the keeper took away). */
export async function leaveScope(presence: ScopePresence, socket: Socket, scope: string): Promise<void> {
  await socket.leave(scope);
  presence.left(socket, scope);
}

/**
 * `subscribe`: every scope authorised (refused ones named, never revealed), joined, and answered
 * with its head so the client can tell at once whether it must sync.
 */
export function subscribeHandler({
  authorize,
  keeper,
  headsReader,
  presence,
}: SubscriptionDeps): SocketHandler<SubscribeRequest> {
  return {
    event: 'subscribe',
    schema: SubscribeRequest,
    async handle(ctx, { scopes }, socket) {
      const refused: Record<string, string> = {};
      const accepted: string[] = [];
      // An access change heard while deciding may postdate what the decision read: re-check then.
      const epoch = keeper.epoch();
      // All at once: the authoriser batches them with other sockets' subscriptions to the same scopes.
      const requested = [...new Set(scopes)];
      const results = await Promise.all(requested.map((scope) => authorize(ctx.actor.userId, scope)));
      results.forEach((result, i) => {
        if ('refused' in result) refused[requested[i]!] = result.refused;
        else accepted.push(result.scope);
      });
      const current = [...socket.rooms].filter(isScopeRoom).length;
      if (current + accepted.length > MAX_SUBSCRIBE_SCOPES) {
        throw new AppError(
          ErrorCode.validation_failed,
          `A socket may follow at most ${MAX_SUBSCRIBE_SCOPES} scopes`,
        );
      }
      for (const scope of accepted) {
        if (socket.rooms.has(scope)) continue;
        await socket.join(scope);
        presence.joined(socket, scope);
      }
      if (keeper.epoch() !== epoch) keeper.recheck(socket, accepted);
      // Read after joining: a change committed meanwhile is either pushed or already in the head.
      const heads = await headsReader.read(accepted);
      return { heads, refused };
    },
  };
}

export function unsubscribeHandler(presence: ScopePresence): SocketHandler<UnsubscribeRequest> {
  return {
    event: 'unsubscribe',
    schema: UnsubscribeRequest,
    async handle(_ctx, { scopes }, socket) {
      for (const scope of scopes) if (socket.rooms.has(scope)) await leaveScope(presence, socket, scope);
      return {};
    },
  };
}
