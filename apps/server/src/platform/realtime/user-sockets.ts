import type { Socket } from 'socket.io';

/**
 * The sockets each user holds on this node, counted from the handshake (a refused one never
 * counts), so a user's sockets can be capped and found when their access changes.
 */
export function createUserSockets(limit: number) {
  const byUser = new Map<string, Set<Socket>>();
  return {
    of: (userId: string): Iterable<Socket> => byUser.get(userId) ?? [],
    /** Takes a place for `socket`; false when the user already holds `limit` sockets here. */
    reserve(userId: string, socket: Socket): boolean {
      const mine = byUser.get(userId) ?? new Set<Socket>();
      if (mine.size >= limit) return false;
      mine.add(socket);
      byUser.set(userId, mine);
      return true;
    },
    release(userId: string, socket: Socket) {
      const mine = byUser.get(userId);
      mine?.delete(socket);
      if (mine && !mine.size) byUser.delete(userId);
    },
  };
}
