import { beforeAll, describe, expect, it } from 'vitest';
import { buildSession } from '../factories/agenda.ts';
import { grantRole } from '../factories/events.ts';
import { registerUser, type TestUser } from '../factories.ts';
import { useTestServer } from '../harness.ts';
import { buildWorld } from './actors.ts';
import { allLiveActors } from './live/actors.ts';
import { moderationRows } from './live/moderation.ts';
import { pollRows } from './live/polls.ts';
import { questionRows } from './live/questions.ts';
import type { LiveActor, LiveRouteSet, LiveWorld } from './live/types.ts';

/**
 * The authorisation matrix of the live audience (issue 13): every route and scope of polls,
 * questions, feedback and moderation × every caller, including the speaker of the session under
 * test and the speaker of another session of the same event. Each session is tested in turn, so
 * each speaker is once "this" and once "another".
 */
const DENIED = [401, 403, 404];
const sets: LiveRouteSet<unknown>[] = [...pollRows, ...questionRows, ...moderationRows];

const server = useTestServer();
let world: LiveWorld;
beforeAll(async () => {
  const base = await buildWorld(server);
  const owner = base.actors['community:owner']!;
  const startsAt = Date.now() + 7 * 86_400_000;
  const sessions: LiveWorld['sessions'] = [];
  for (const n of [1, 2]) {
    const speaker = await registerUser(server, { name: `Session speaker ${n}` });
    await grantRole(server, base.own.eventId, owner, speaker, 'speaker');
    const session = await buildSession(server, owner, base.own.eventId, {
      title: `Live session ${n}`,
      startsAt: new Date(startsAt + n * 3_600_000).toISOString(),
      endsAt: new Date(startsAt + (n + 1) * 3_600_000).toISOString(),
      speakerIds: [speaker.id],
    });
    sessions.push({ id: session.id, speakerId: speaker.id });
    speakers.set(session.id, speaker);
  }
  world = { ...base, sessions };
}, 120_000);

const speakers = new Map<string, TestUser>();

function callerFor(actor: LiveActor, sessionId: string): TestUser | null {
  if (actor === 'speaker:this') return speakers.get(sessionId)!;
  if (actor === 'speaker:another') return [...speakers].find(([id]) => id !== sessionId)![1];
  return world.actors[actor];
}

describe('live audience authorisation matrix', () => {
  it('has rows for every live module', () => {
    expect(sets.map((s) => s.module).sort()).toEqual(['moderation', 'polls', 'questions and feedback']);
  });

  for (const set of sets) {
    for (const n of [0, 1]) {
      it(`${set.module}: every route and scope × every caller, session ${n + 1}`, async () => {
        const session = world.sessions[n]!;
        const fixture = await set.setup(server, world, session);
        const failures: string[] = [];
        for (const route of set.routes) {
          for (const actor of allLiveActors) {
            const user = callerFor(actor, session.id);
            const res = await server.app.inject({
              method: route.method,
              url: route.url(fixture),
              headers: user ? user.headers : {},
              ...(route.body ? { payload: route.body(fixture) } : {}),
            });
            const denied = DENIED.includes(res.statusCode);
            const allowed = route.allowed.has(actor);
            if (res.statusCode >= 500) failures.push(`${route.name} as ${actor}: ${res.statusCode}`);
            else if (allowed && denied)
              failures.push(`${route.name} as ${actor}: expected allowed, got ${res.statusCode} ${res.body}`);
            else if (!allowed && !denied)
              failures.push(`${route.name} as ${actor}: expected denied, got ${res.statusCode}`);
            else if (!allowed && actor === 'outsider' && res.statusCode === 403)
              failures.push(`${route.name} as outsider: 403 reveals the event exists; expected 404`);
          }
        }
        for (const scope of set.scopes) {
          for (const actor of allLiveActors) {
            const user = callerFor(actor, session.id);
            if (!user) continue;
            const name = scope.scope(fixture);
            const res = await server.app.inject({
              method: 'GET',
              url: `/api/v1/sync?scopes=${name}@0`,
              headers: user.headers,
            });
            const followed = 'changes' in (res.json().scopes?.[name] ?? {});
            if (followed !== scope.allowed.has(actor))
              failures.push(`follow ${scope.name} as ${actor}: ${followed ? 'allowed' : 'refused'}`);
          }
        }
        expect(failures).toEqual([]);
      });
    }
  }
});
