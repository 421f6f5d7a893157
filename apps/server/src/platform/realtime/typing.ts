import { scopes, TypingRequest } from '@muster/protocol';
import { AppError, ErrorCode } from '../errors.ts';
import type { SocketHandler } from './socket-events.ts';

/** `typing`: relayed to the channel's other sockets on this node and others (best effort). */
export function typingHandler(): SocketHandler<TypingRequest> {
  return {
    event: 'typing',
    schema: TypingRequest,
    async handle(ctx, { channelId }, socket) {
      // Only a socket whose subscription to the channel was authorised may signal typing in it.
      const room = scopes.channel(channelId.toLowerCase());
      if (!socket.rooms.has(room)) throw new AppError(ErrorCode.not_found, 'Subscribe to the channel first');
      socket.to(room).emit('typing', { channelId, userId: ctx.actor.userId });
      return {};
    },
  };
}
