import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import { readHeads } from '../changes/change-log.ts';
import type { Queryable } from '../db/client.ts';
import { isScopeRoom } from './rooms.ts';

/** Scopes read per statement: one bounded `in (…)` list each. */
const SCOPES_PER_READ = 500;

/**
 * The gap detector of last resort: every `intervalMs`, each socket is sent the heads of the scopes
 * it follows, read from the log itself, so a client that missed a change syncs. Returns the stop.
 */
export function startHeadsHeartbeat(io: Server, db: Queryable, intervalMs: number, log: Logger): () => void {
  async function sendHeads() {
    const rooms = io.of('/').adapter.rooms;
    const scopes = [...rooms.keys()].filter(isScopeRoom);
    const heads: Record<string, number> = {};
    for (let i = 0; i < scopes.length; i += SCOPES_PER_READ)
      Object.assign(heads, await readHeads(db, scopes.slice(i, i + SCOPES_PER_READ)));
    for (const socket of io.of('/').sockets.values()) {
      const mine: Record<string, number> = {};
      for (const room of socket.rooms) if (room in heads) mine[room] = heads[room]!;
      if (Object.keys(mine).length) socket.emit('heads', mine);
    }
  }
  const heartbeat = setInterval(() => {
    sendHeads().catch((error: unknown) => log.warn({ err: error }, 'heads heartbeat failed'));
  }, intervalMs);
  heartbeat.unref();
  return () => clearInterval(heartbeat);
}
