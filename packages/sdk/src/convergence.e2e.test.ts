import { randomUUID } from 'node:crypto';
import type { Event, MessagePage, Note, Rsvp, Schedule, Session } from '@muster/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postMessage } from '../../../apps/server/test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../apps/server/test/factories.ts';
import { createTestServer, type TestServer } from '../../../apps/server/test/harness.ts';
import { asUser, buildWorld, clientFor, eventually, type TestClient, type World } from '../test/helpers.ts';
import { replayFromEnv } from '../test/replay.ts';
import type { FetchLike, ResponseLike } from './platform.ts';
import { MemoryStorage } from './storage/memory.ts';

/**
 * The property: whatever the user does (offline or not) and whatever happens to the
 * network — connections dropped, requests lost before or after the server committed them, the app
 * offline, paused or restarted — once the network is back and the outbox has drained, the client's
 * state equals the server's, and every message was sent exactly once. Against a real server.
 */
let server: TestServer;

beforeAll(async () => {
  server = await createTestServer({ listen: true, headsIntervalMs: 500 });
});
afterAll(async () => server?.stop());

const idx = fc.integer({ min: 0, max: 2 });
const text = fc
  .string({ minLength: 0, maxLength: 12, unit: fc.constantFrom(...'abcdefgh xyz') })
  .map((s) => `m${s}`);
const command = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('note' as const), s: idx, body: text }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('bookmark' as const), s: idx, on: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('rsvp' as const),
      status: fc.constantFrom('going' as const, 'interested' as const, 'declined' as const, null),
    }),
  },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('send' as const), body: text }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('react' as const), on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('remoteMove' as const), s: idx, room: text }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('remoteSend' as const), body: text }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('remoteNote' as const), s: idx, body: text }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('drop' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('offline' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('pause' as const), on: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('failNext' as const), n: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('loseNext' as const), n: fc.integer({ min: 1, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 80 }) }),
  },
);
type Command = typeof command extends fc.Arbitrary<infer C> ? C : never;

/** Network faults between the client and the real server. */
interface Faults {
  /** Requests that fail before reaching the server. */
  failNext: number;
  /** Writes whose answer is lost after the server committed them. */
  loseNext: number;
}

function faultyFetch(faults: Faults): FetchLike {
  return async (url, init) => {
    if (faults.failNext > 0) {
      faults.failNext--;
      throw new TypeError('network is down');
    }
    const response = (await fetch(url, init)) as unknown as ResponseLike;
    // Never a refresh answer: losing one would (rightly) end the session.
    if (init.method !== 'GET' && !url.includes('/auth/') && faults.loseNext > 0) {
      faults.loseNext--;
      await response.text();
      throw new TypeError('connection reset before the answer');
    }
    return response;
  };
}

interface Run {
  world: World;
  user: TestUser;
  storage: MemoryStorage;
  faults: Faults;
  app: TestClient;
  sends: number;
}

async function start(run: Omit<Run, 'app'>, signals?: TestClient['signals']): Promise<TestClient> {
  const app = await clientFor(server, run.user, {
    storage: run.storage,
    ...(signals ? { signals } : {}),
    fetch: faultyFetch(run.faults),
    retry: { baseMs: 20, maxMs: 200 },
    realtime: { transports: ['websocket'], backoffBaseMs: 20, backoffMaxMs: 200 },
  });
  return app;
}

async function perform(run: Run, c: Command) {
  const { client, signals } = run.app;
  const { world } = run;
  const session = (i: number) => world.sessions[i]!;
  switch (c.t) {
    case 'note':
      return void (await client.saveNote(session(c.s).id, c.body));
    case 'bookmark':
      return void (await (c.on ? client.bookmark(session(c.s).id) : client.unbookmark(session(c.s).id)));
    case 'rsvp':
      return void (await (c.status
        ? client.rsvp(world.event.id, c.status)
        : client.cancelRsvp(world.event.id)));
    case 'send':
      run.sends++;
      // Each text once: the event's moderation refuses the same text again within minutes (K1).
      return void (await client.sendMessage(world.channel.id, `${c.body} #${run.sends}`));
    case 'react': {
      const target = Object.values(client.store.confirmed().messages).find((m) => !m.deleted);
      if (!target) return;
      return void (await (c.on ? client.react(target.id, '👍') : client.unreact(target.id, '👍')));
    }
    case 'remoteMove':
      return void (await asUser(server, world.organiser, 'PATCH', `/api/v1/sessions/${session(c.s).id}`, {
        room: c.room,
      }));
    case 'remoteSend':
      return void (await postMessage(server, world.organiser, world.channel.id, `${c.body} ${randomUUID()}`));
    case 'remoteNote':
      return void (await asUser(server, run.user, 'PUT', `/api/v1/sessions/${session(c.s).id}/note`, {
        body: c.body,
      }));
    case 'drop':
      return client.current.realtime.rawSocket?.io.engine?.close();
    case 'offline':
      return signals.set({ online: !c.on });
    case 'pause':
      return c.on ? client.pause() : client.resume();
    case 'failNext':
      run.faults.failNext = c.n;
      return;
    case 'loseNext':
      run.faults.loseNext = c.n;
      return;
    case 'restart':
      await client.close();
      run.app = await start(run, signals);
      return;
    case 'wait':
      await new Promise((resolve) => setTimeout(resolve, c.ms));
  }
}

/** Everything the client holds for this world, read from the server. */
async function serverState(run: Run) {
  const { world, user } = run;
  const get = <T>(url: string) => asUser<T>(server, user, 'GET', url);
  const notes: Record<string, string> = {};
  for (const s of world.sessions) {
    const note = await get<Note>(`/api/v1/sessions/${s.id}/note`);
    if (note.updatedAt) notes[s.id] = note.body;
  }
  const rsvp = await server.app.inject({
    method: 'GET',
    url: `/api/v1/events/${world.event.id}/rsvp`,
    headers: user.headers,
  });
  const messages = await get<MessagePage>(`/api/v1/channels/${world.channel.id}/messages?limit=200`);
  return {
    event: await get<Event>(`/api/v1/events/${world.event.id}`),
    sessions: (await get<{ items: Session[] }>(`/api/v1/events/${world.event.id}/sessions`)).items,
    notes,
    bookmarks: (await get<Schedule>('/api/v1/me/schedule')).items.map((i) => i.session.id).sort(),
    rsvp: rsvp.statusCode === 200 ? rsvp.json<Rsvp>().status : null,
    messages: messages.items.map((m) => ({ ...m, myReactions: m.myReactions ?? [] })),
  };
}

function clientState(run: Run) {
  const { world, app } = run;
  const state = app.client.store.getState();
  const notes: Record<string, string> = {};
  for (const [id, note] of Object.entries(state.notes)) if (note.updatedAt) notes[id] = note.body;
  return {
    event: state.events[world.event.id],
    sessions: Object.values(state.sessions).filter((s) => s.eventId === world.event.id),
    notes,
    bookmarks: Object.keys(state.bookmarks).sort(),
    rsvp: state.rsvps[world.event.id]?.status ?? null,
    messages: Object.values(state.messages)
      .filter((m) => m.channelId === world.channel.id)
      .sort((a, b) => a.seq - b.seq)
      .map((m) => ({ ...m, myReactions: m.myReactions ?? [] })),
  };
}

describe('convergence (property)', () => {
  it('ends with client state equal to server state, every message sent exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        const world = await buildWorld(server);
        const user = await registerUser(server);
        const run: Run = {
          world,
          user,
          storage: new MemoryStorage(),
          faults: { failNext: 0, loseNext: 0 },
          sends: 0,
        } as Run;
        run.app = await start(run);
        await run.app.client.openEvent(world.event.id);
        await run.app.client.openChannel(world.channel.id);
        try {
          for (const c of commands) await perform(run, c);
          // The device comes online and on screen (faults still pending hit the requests that follow).
          run.app.signals.set({ online: true, visible: true });
          run.app.client.resume();
          await run.app.client.idle();
          // No explicit sync: the client must get there by itself (reconnection, seqs, heads).
          const head = (scope: string) =>
            Math.max(0, ...server.published.filter((c) => c.scope === scope).map((c) => c.seq));
          const store = () => run.app.client.store;
          await eventually(
            () =>
              store()
                .followed()
                .every((scope) => store().cursor(scope) === head(scope)),
            'the client to reach every head',
            20_000,
          );
          const expected = await serverState(run);
          const actual = clientState(run);
          expect(actual.event).toEqual(expected.event);
          expect(actual.sessions.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
            expected.sessions.sort((a, b) => a.id.localeCompare(b.id)),
          );
          expect(actual.notes).toEqual(expected.notes);
          expect(actual.bookmarks).toEqual(expected.bookmarks);
          expect(actual.rsvp).toEqual(expected.rsvp);
          expect(actual.messages).toEqual(expected.messages);
          const mine = expected.messages.filter((m) => m.senderId === user.id);
          expect(mine).toHaveLength(run.sends);
          expect(new Set(mine.map((m) => m.clientMsgId)).size).toBe(run.sends);
        } finally {
          await run.app.client.close();
        }
      }),
      {
        numRuns: 25,
        // Cases that once failed, run first every time. Restart, then a drop while the new socket
        // was still opening (seed -725629468): Socket.IO never heard that close and the client
        // stayed 'connecting' (the deterministic version is in sync/connect-attempt.e2e.test.ts).
        examples: [
          [
            [
              { t: 'restart' },
              { t: 'remoteMove', s: 0, room: 'm' },
              { t: 'drop' },
              { t: 'failNext', n: 1 },
              { t: 'failNext', n: 1 },
            ],
          ],
        ],
        // FC_SEED / FC_PATH replay a failing case (see replayFromEnv).
        ...replayFromEnv(),
      },
    );
    // 25 runs take ~15 s on a quiet machine; CI runs every tier at once on two cores, where one
    // run took over 120 s (a timeout, not a divergence), so the limit leaves room for that.
  }, 400_000);
});
