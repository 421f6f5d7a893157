import type { Change, RevokedEvent, SessionEndedEvent } from '@muster/protocol';
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';

/**
 * Authorises one scope string for a user: the normalised scope, or why it is refused. Called
 * concurrently for every scope of every subscribe, so an implementation can decide together the
 * requests for one scope (sync's `scopeAuthorizer` does).
 */
export type ScopeAuthorizer = (
  userId: string,
  scope: string,
) => Promise<{ scope: string } | { refused: string }>;

/**
 * What a committed change may have taken away. `user`: any scope that user follows (a role or a
 * membership changed). `session`: one session (refresh family) was signed out. `scopes`: whoever
 * follows a matching scope (an event turned private); `state` is the access-relevant state the
 * change leaves behind, so a change that leaves it as it was (a new RSVP count) costs nothing.
 */
export type AccessChange =
  | { kind: 'user'; userId: string }
  | { kind: 'session'; userId: string; familyId: string }
  | { kind: 'scopes'; id: string; state: string; matches(scope: string): boolean };

/** Who may follow what, and which sessions are signed in: the rules the gateway keeps applying. */
export interface SocketAccess {
  authorize: ScopeAuthorizer;
  /** Maps a change heard on the bus to the access it may have revoked (null for almost all). */
  accessChangeOf(change: Change): AccessChange | null;
  /** Which of these sessions (refresh families) are still signed in. */
  liveSessions(familyIds: readonly string[]): Promise<Set<string>>;
}

export interface AccessKeeperDeps {
  io: Server;
  access: SocketAccess;
  log: Logger;
  userOf(socket: Socket): string;
  familyOf(socket: Socket): string;
  socketsOf(userId: string): Iterable<Socket>;
  /** Leaves the room and everything tied to it (presence). */
  leave(socket: Socket, scope: string): Promise<void>;
  isScopeRoom(room: string): boolean;
}

export interface AccessKeeper {
  /** Feeds every change heard on the bus (every node hears every change). */
  onChange(change: Change): void;
  /** Re-checks `scopes` of one socket (a subscribe that raced an access change). */
  recheck(socket: Socket, scopes: readonly string[]): void;
  /** Moves whenever an access change is heard; a subscribe compares it before and after joining. */
  epoch(): number;
  /** The safety net: every scope of every socket and every session on this node, checked again. */
  sweep(): Promise<void>;
  /** Resolves when no re-check is queued or running (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

/** Tells the client why and closes the connection; a server-side disconnect is not retried by Socket.IO. */
export function endSocket(socket: Socket, reason: SessionEndedEvent['reason']) {
  if (!socket.connected) return;
  socket.emit('session_ended', { reason } satisfies SessionEndedEvent);
  socket.disconnect(true);
}

const SESSION_CHUNK = 1000;
const MAX_REMEMBERED_STATES = 10_000;

/**
 * Keeps subscriptions authorised after they were granted. Access changes heard on the bus are
 * coalesced and re-checked together on the next turn of the event loop, with the same batched
 * authoriser `subscribe` uses (one decision per scope for all its sockets), so a role removal
 * reaches the socket within one database round trip of its commit, on every node. A periodic
 * sweep re-checks everything, for what a lost publication or a crash between commit and publish
 * would otherwise leave standing.
 */
export function createAccessKeeper(deps: AccessKeeperDeps): AccessKeeper {
  const { io, access, log } = deps;
  let users = new Set<string>();
  let matchers: ((scope: string) => boolean)[] = [];
  let pairs = new Map<Socket, Set<string>>();
  let counter = 0;
  let scheduled = false;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  const lastState = new Map<string, string>();

  function schedule() {
    counter++;
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      chain = chain
        .then(runOnce)
        .catch((error: unknown) => log.warn({ err: error }, 'access re-check failed'));
    });
  }

  /** The (socket, scope) pairs the queued changes touch, taken from the queue in one go. */
  function takeTargets(): Map<Socket, Set<string>> {
    const targets = pairs;
    const add = (socket: Socket, scope: string) => {
      const set = targets.get(socket) ?? new Set<string>();
      set.add(scope);
      targets.set(socket, set);
    };
    for (const userId of users)
      for (const socket of deps.socketsOf(userId))
        for (const room of socket.rooms) if (deps.isScopeRoom(room)) add(socket, room);
    if (matchers.length) {
      const namespace = io.of('/');
      for (const [room, ids] of namespace.adapter.rooms) {
        if (!deps.isScopeRoom(room) || !matchers.some((matches) => matches(room))) continue;
        for (const id of ids) {
          const socket = namespace.sockets.get(id);
          if (socket) add(socket, room);
        }
      }
    }
    users = new Set();
    matchers = [];
    pairs = new Map();
    return targets;
  }

  async function runOnce() {
    const checks: Promise<void>[] = [];
    for (const [socket, scopes] of takeTargets()) {
      const userId = deps.userOf(socket);
      for (const scope of scopes) {
        checks.push(
          access.authorize(userId, scope).then(async (result) => {
            if (!('refused' in result) || !socket.connected || !socket.rooms.has(scope)) return;
            await deps.leave(socket, scope);
            socket.emit('revoked', { scope, code: result.refused } satisfies RevokedEvent);
          }),
        );
      }
    }
    // A failed check keeps the subscription until the next change or sweep: refusing everyone
    // because the database blinked would be worse than a stale scope for a minute.
    for (const outcome of await Promise.allSettled(checks))
      if (outcome.status === 'rejected') log.warn({ err: outcome.reason }, 'scope re-check failed');
  }

  function endSession(userId: string, familyId: string) {
    for (const socket of [...deps.socketsOf(userId)])
      if (deps.familyOf(socket) === familyId) endSocket(socket, 'session_revoked');
  }

  async function sweepSessions() {
    const byFamily = new Map<string, Socket[]>();
    for (const socket of io.of('/').sockets.values()) {
      const family = deps.familyOf(socket);
      byFamily.set(family, [...(byFamily.get(family) ?? []), socket]);
    }
    const families = [...byFamily.keys()];
    for (let i = 0; i < families.length; i += SESSION_CHUNK) {
      const chunk = families.slice(i, i + SESSION_CHUNK);
      const live = await access.liveSessions(chunk);
      for (const family of chunk)
        if (!live.has(family))
          for (const socket of byFamily.get(family)!) endSocket(socket, 'session_revoked');
    }
  }

  return {
    onChange(change) {
      const revoked = access.accessChangeOf(change);
      if (!revoked) return;
      if (revoked.kind === 'session') return endSession(revoked.userId, revoked.familyId);
      if (revoked.kind === 'user') users.add(revoked.userId);
      else {
        if (lastState.get(revoked.id) === revoked.state) return;
        if (lastState.size >= MAX_REMEMBERED_STATES) lastState.clear();
        lastState.set(revoked.id, revoked.state);
        matchers.push(revoked.matches);
      }
      schedule();
    },
    recheck(socket, scopes) {
      const set = pairs.get(socket) ?? new Set<string>();
      for (const scope of scopes) set.add(scope);
      pairs.set(socket, set);
      schedule();
    },
    epoch: () => counter,
    async sweep() {
      matchers.push(() => true);
      schedule();
      await sweepSessions();
      await this.idle();
    },
    async idle() {
      while (scheduled) {
        await new Promise((resolve) => setImmediate(resolve));
        await chain;
      }
      await chain;
    },
    stop() {
      stopped = true;
    },
  };
}
