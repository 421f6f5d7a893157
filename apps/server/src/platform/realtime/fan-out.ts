import type { Change } from '@muster/protocol';
import type { Server } from 'socket.io';
import type { Platform } from '../context.ts';

/**
 * Delivers every change heard on the bus to this node's sockets in its scope's room (every node
 * hears every committed change), never through Socket.IO's adapter: delivery rests on the log.
 * `onChange` hears each change at once (access re-checks); the broadcast waits for the next turn of
 * the event loop, in publication order: writing one change to 10,000 sockets takes ~100 ms, which
 * the request that committed it (its HTTP answer, a sender's ack) should not wait for. The
 * in-memory bus calls listeners synchronously on purpose (read models must be current when the
 * write returns); only this listener defers. Returns the unsubscribe.
 */
export function startFanOut(
  io: Server,
  bus: Platform['bus'],
  onChange: (change: Change) => void,
): () => void {
  let pending: Change[] = [];
  const broadcastPending = () => {
    const batch = pending;
    pending = [];
    for (const change of batch) io.local.to(change.scope).emit('change', change);
  };
  return bus.subscribe((change) => {
    if (!pending.length) setImmediate(broadcastPending);
    pending.push(change);
    onChange(change);
  });
}
