import type { DrainingEvent } from '@muster/protocol';
import type { Server } from 'socket.io';

/**
 * Tells every socket on this node to reconnect elsewhere (at a random moment within 2 s, so they do
 * not all arrive at once) and closes their connections.
 */
export async function drainSockets(io: Server): Promise<void> {
  for (const socket of await io.local.fetchSockets()) {
    socket.emit('draining', { reconnectInMs: Math.floor(Math.random() * 2000) } satisfies DrainingEvent);
  }
  // Closing every transport (not `disconnect()`) makes clients reconnect by themselves; every one,
  // not only the sockets in a namespace, so one whose connect was still being authorised does not
  // stay open and hold the HTTP server's close. (`clients` is public in engine.io's documentation;
  // its typings mark it protected.)
  const engine = io.engine as unknown as { clients: Record<string, { close(): void }> };
  for (const client of Object.values(engine.clients)) client.close();
}
