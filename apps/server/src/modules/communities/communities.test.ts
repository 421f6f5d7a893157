import type { Community, Member } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, buildCommunity, call, quickUsers } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
let owner: TestUser;
let stranger: TestUser;
beforeAll(async () => {
  owner = await registerUser(server, { name: 'Owner' });
  stranger = await registerUser(server, { name: 'Stranger' });
});

const inject = injectAs(server);

describe('communities', () => {
  it('makes the creator owner and shows name, size and my role to anyone signed in', async () => {
    const res = await inject('POST', '/api/v1/communities', owner, {
      name: '  Berlin.js ',
      description: 'JS meetup',
    });
    expect(res.statusCode).toBe(201);
    const community = res.json<Community>();
    expect(community).toMatchObject({
      name: 'Berlin.js',
      description: 'JS meetup',
      memberCount: 1,
      myRole: 'owner',
    });
    expect(await call(server, 'GET', `/api/v1/communities/${community.id}`, stranger)).toMatchObject({
      name: 'Berlin.js',
      memberCount: 1,
      myRole: null,
    });
    expect((await inject('GET', `/api/v1/communities/${community.id}`, null)).statusCode).toBe(401);
    expect(
      (await inject('GET', '/api/v1/communities/01900000-0000-7000-8000-000000000000', stranger)).statusCode,
    ).toBe(404);
    const created = server.published.find((c) => c.scope === `community:${community.id}`);
    expect(created).toMatchObject({
      entity: 'communities.communityCreated',
      data: { ...community, myRole: null },
    });
    const mine = await call<{ items: Community[] }>(server, 'GET', '/api/v1/me/communities', owner);
    expect(mine.items.map((c) => c.id)).toContain(community.id);
  });

  it('lets owners and admins change members’ roles; only owners make owners; nobody is added without consent', async () => {
    const community = await buildCommunity(server, owner);
    const [admin, member, other] = await quickUsers(server, 3, 'Person');
    for (const person of [admin!, member!]) await addMember(server, community.id, owner, person);
    const add = (as: TestUser, userId: string, role?: string) =>
      inject('POST', `/api/v1/communities/${community.id}/members`, as, {
        userId,
        ...(role ? { role } : {}),
      });

    // Non-members are answered as if the community were not there; members without the right get 403.
    expect((await add(stranger, stranger.id)).statusCode).toBe(404);
    // Someone who is not a member (an account or not) is never added: they join by invitation.
    expect((await add(owner, '01900000-0000-7000-8000-000000000000')).statusCode).toBe(409);
    expect((await add(owner, other!.id)).statusCode).toBe(409);
    const promoted = await add(owner, admin!.id, 'admin');
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json<Member>()).toMatchObject({ userId: admin!.id, name: 'Person 1', role: 'admin' });
    expect((await add(owner, admin!.id, 'admin')).statusCode).toBe(200);
    expect((await add(admin!, member!.id)).json<Member>().role).toBe('member');
    expect((await add(member!, admin!.id, 'member')).statusCode).toBe(403);
    expect((await add(admin!, member!.id, 'owner')).statusCode).toBe(403);
    expect((await add(admin!, owner.id, 'member')).statusCode).toBe(403);
    expect((await add(owner, owner.id, 'member')).statusCode).toBe(409);

    const theirs = server.published.filter((c) => c.scope === `user:${admin!.id}`);
    expect(theirs).toMatchObject([
      { entity: 'communities.membershipChanged', data: { id: community.id, myRole: 'member' } },
      { entity: 'communities.membershipChanged', data: { id: community.id, myRole: 'admin' } },
    ]);
    expect(await call(server, 'GET', `/api/v1/communities/${community.id}`, member!)).toMatchObject({
      memberCount: 3,
      myRole: 'member',
    });
  });

  it('shows the member list to members only, page by page', async () => {
    const community = await buildCommunity(server, owner);
    const people = await quickUsers(server, 7);
    for (const p of people) await addMember(server, community.id, owner, p);
    const hidden = await inject('GET', `/api/v1/communities/${community.id}/members`, stranger);
    expect(hidden.statusCode).toBe(404);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Member[]; nextCursor: string | null } = await call(
        server,
        'GET',
        `/api/v1/communities/${community.id}/members?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        people[0]!,
      );
      seen.push(...page.items.map((m) => m.userId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([owner.id, ...people.map((p) => p.id)]);
    const forged = await inject('GET', `/api/v1/communities/${community.id}/members?cursor=WyJ4Il0`, owner);
    expect(forged.statusCode).toBe(400);
  });
});
