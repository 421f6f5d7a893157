import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ActorName, buildWorld, type World } from '../../../test/authz/actors.ts';
import { buildEvent } from '../../../test/factories/events.ts';
import { buildChannel, openDm } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { communityRoleOf } from '../communities/index.ts';
import { canViewEvent, loadEventAccess } from '../events/index.ts';
import { channelReadAccess } from '../messaging/index.ts';
import { authorizeScope, parseScopeItem, scopeAuthorizer } from './sync.scopes.ts';

/**
 * Batched subscribe authorisation must decide exactly as the per-user rules do. For every scope of
 * a world with every kind of actor, the decisions of many users submitted at once (one batch per
 * scope) are compared with the per-user access functions each module exposes, and with sync's path.
 */
const server = useTestServer();
let world: World;
let users: { name: string; user: TestUser }[];
const scopes: Record<string, string> = {};

beforeAll(async () => {
  world = await buildWorld(server);
  const owner = world.actors['community:owner']!;
  const a = (name: ActorName) => world.actors[name]!;
  const { own, other } = world;
  const publicEvent = await buildEvent(server, owner, { communityId: own.communityId, visibility: 'public' });
  const draftEvent = await buildEvent(server, owner, { communityId: own.communityId, status: 'draft' });
  const archived = await buildEvent(server, owner, { communityId: own.communityId, status: 'archived' });
  Object.assign(scopes, {
    ownEvent: `event:${own.eventId}`,
    otherEvent: `event:${other.eventId}`,
    publicEvent: `event:${publicEvent.id}`,
    draftEvent: `event:${draftEvent.id}`,
    archivedEvent: `event:${archived.id}`,
    missingEvent: `event:${randomUUID()}`,
    ownCommunity: `community:${own.communityId}`,
    otherCommunity: `community:${other.communityId}`,
    outsiderUser: `user:${a('outsider').id}`,
    upperCaseUser: `user:${a('event:attendee').id.toUpperCase()}`,
    missingChannel: `channel:${randomUUID()}`,
  });
  for (const kind of ['announcements', 'topic', 'staff', 'vendors'] as const) {
    scopes[`own-${kind}`] = `channel:${(await buildChannel(server, owner, own.eventId, { kind })).id}`;
    scopes[`public-${kind}`] = `channel:${(await buildChannel(server, owner, publicEvent.id, { kind })).id}`;
  }
  scopes.archivedTopic = `channel:${(await buildChannel(server, owner, archived.id)).id}`;
  scopes.dm = `channel:${(await openDm(server, a('event:attendee'), [a('event:speaker')])).id}`;
  scopes.group = `channel:${(await openDm(server, a('event:vendor'), [a('event:staff'), a('event:sponsor')])).id}`;
  users = Object.entries(world.actors)
    .filter((entry): entry is [string, TestUser] => entry[1] !== null)
    .map(([name, user]) => ({ name, user }));
  users.push({ name: 'bystander', user: world.bystander });
  users.push({ name: 'fresh', user: await registerUser(server) });
});

/** The per-user rule of each scope kind, as the modules state it for one caller. */
async function perUserRule(userId: string, scope: string): Promise<boolean> {
  const parsed = parseScopeItem(`${scope}@0`);
  if ('refused' in parsed) return false;
  const { kind, id } = parsed.cursor;
  const db = server.platform.db;
  if (kind === 'event') {
    const access = await loadEventAccess(db, id, userId);
    return access !== null && canViewEvent(access);
  }
  if (kind === 'community') return (await communityRoleOf(db, id, userId)) !== null;
  if (kind === 'channel') return (await channelReadAccess(db, id, userId)) !== null;
  if (kind === 'user') return id === userId;
  return false;
}

/** Every user `decide` lets through, by actor name, all decided at once. */
async function allowedBy(decide: (userId: string) => Promise<boolean>) {
  const decisions = await Promise.all(users.map(({ user }) => decide(user.id)));
  return users.filter((_, i) => decisions[i]).map(({ name }) => name);
}

describe('batched scope authorisation', () => {
  it('decides every scope for every actor exactly as the per-user rules and sync do', async () => {
    const authorize = scopeAuthorizer(server.platform);
    for (const [label, scope] of Object.entries(scopes)) {
      const expected = await allowedBy((userId) => perUserRule(userId, scope));
      // Every user at once, and each twice (two sockets of one user): one batch per scope.
      const batched = await Promise.all(
        users.flatMap(({ user }) => [authorize(user.id, scope), authorize(user.id, scope)]),
      );
      const allowed = users.filter((_, i) => 'scope' in batched[2 * i]!).map(({ name }) => name);
      expect(allowed, label).toEqual(expected);
      for (let i = 0; i < batched.length; i += 2) expect(batched[i + 1], label).toEqual(batched[i]);
      const cursor = parseScopeItem(`${scope}@0`);
      if (!('cursor' in cursor)) throw new Error(`unparsable ${scope}`);
      const viaSync = await allowedBy(
        async (userId) => (await authorizeScope(server.platform.db, userId, cursor.cursor)) === null,
      );
      expect(viaSync, label).toEqual(expected);
      for (const result of batched) {
        if ('refused' in result)
          expect(result.refused, label).toBe(scope.startsWith('user:') ? 'forbidden' : 'not_found');
        else expect(result.scope, label).toBe(cursor.cursor.scope);
      }
    }
  });

  it('follows the roles that make the rules differ', async () => {
    const authorize = scopeAuthorizer(server.platform);
    const allowed = (scope: string) =>
      allowedBy(async (userId) => 'scope' in (await authorize(userId, scope)));
    const staffChannel = new Set(await allowed(scopes['own-staff']!));
    expect(staffChannel).toEqual(
      new Set(['community:owner', 'community:admin', 'event:organiser', 'event:staff', 'event:volunteer']),
    );
    expect(await allowed(scopes.dm!)).toEqual(['event:speaker', 'event:attendee']);
    expect(await allowed(scopes.draftEvent!)).toEqual(['community:owner', 'community:admin']);
    expect(await allowed(scopes.otherEvent!)).toEqual([]);
    expect(await allowed(scopes.missingChannel!)).toEqual([]);
    // Anyone signed in follows a published public event and its topic channel.
    expect(await allowed(scopes.publicEvent!)).toEqual(users.map(({ name }) => name));
    expect(await allowed(scopes['public-topic']!)).toEqual(users.map(({ name }) => name));
    // A user scope is its owner's only, whatever the case of the id.
    expect(await allowed(scopes.upperCaseUser!)).toEqual(['event:attendee']);
  });

  it('refuses malformed and unknown scopes item by item', async () => {
    const authorize = scopeAuthorizer(server.platform);
    const userId = world.bystander.id;
    const results = await Promise.all(
      ['bogus', 'event:not-a-uuid', `nope:${randomUUID()}`, `event:${randomUUID()}`, `user:${userId}`].map(
        (scope) => authorize(userId, scope),
      ),
    );
    expect(results).toEqual([
      { refused: 'validation_failed' },
      { refused: 'validation_failed' },
      { refused: 'not_found' },
      { refused: 'not_found' },
      { scope: `user:${userId}` },
    ]);
  });
});
