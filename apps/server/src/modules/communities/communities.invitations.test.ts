import type { CommunityInvitation, Member } from '@muster/protocol';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForDevMail } from '../../../test/dev-mail.ts';
import { buildCommunity, call, quickUsers } from '../../../test/factories/events.ts';
import { injectAs, registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';

const server = useTestServer();
const inject = injectAs(server);
let owner: TestUser;
beforeAll(async () => {
  owner = await registerUser(server, { name: 'Owner' });
});

const invite = (as: TestUser, communityId: string, body: object = {}) =>
  inject('POST', `/api/v1/communities/${communityId}/invitations`, as, body);
const respond = (as: TestUser | null, token: string, answer: 'accept' | 'decline') =>
  inject('POST', `/api/v1/invitations/${encodeURIComponent(token)}/${answer}`, as);
const tokenOf = (url: string) => decodeURIComponent(new URL(url).searchParams.get('token')!);
const memberIds = async (communityId: string) =>
  (
    await call<{ items: Member[] }>(server, 'GET', `/api/v1/communities/${communityId}/members`, owner)
  ).items.map((m) => m.userId);

describe('joining a community takes the person’s consent', () => {
  it('refuses to add someone who is not a member without an invitation', async () => {
    const community = await buildCommunity(server, owner);
    const [victim] = await quickUsers(server, 1);
    const res = await inject('POST', `/api/v1/communities/${community.id}/members`, owner, {
      userId: victim!.id,
    });
    expect(res.statusCode).toBe(409);
    expect(await memberIds(community.id)).toEqual([owner.id]);
  });

  it('mails an e-mail invitation that only the invited account can accept or decline', async () => {
    const community = await buildCommunity(server, owner, { name: 'Invite <b>club</b>' });
    const invitee = await registerUser(server, { name: 'Invitee' });
    const [other] = await quickUsers(server, 1);
    const created = await invite(owner, community.id, { email: invitee.email.toUpperCase() });
    expect(created.statusCode).toBe(201);
    const invitation = created.json<CommunityInvitation>();
    expect(invitation).toMatchObject({ email: invitee.email, role: 'member', status: 'pending', url: null });
    const mail = await waitForDevMail(server, (m) => m.to === invitee.email && /invited/i.test(m.subject));
    expect(mail.html).not.toContain('<b>club</b>');
    const token = tokenOf(/https?:\/\/\S+/.exec(mail.text)![0]);

    expect((await respond(other!, token, 'accept')).statusCode).toBe(404);
    expect((await respond(null, token, 'accept')).statusCode).toBe(401);
    const accepted = await respond(invitee, token, 'accept');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json<Member>()).toMatchObject({ userId: invitee.id, role: 'member' });
    expect(await memberIds(community.id)).toContain(invitee.id);
    expect((await respond(invitee, token, 'accept')).statusCode).toBe(409);

    const list = await call<{ items: CommunityInvitation[] }>(
      server,
      'GET',
      `/api/v1/communities/${community.id}/invitations`,
      owner,
    );
    expect(list.items.map((i) => [i.id, i.status])).toEqual([[invitation.id, 'accepted']]);
    expect((await inject('GET', `/api/v1/communities/${community.id}/invitations`, other!)).statusCode).toBe(
      404,
    );

    const second = (await invite(owner, community.id, { email: other!.email })).json<CommunityInvitation>();
    const secondMail = await waitForDevMail(server, (m) => m.to === other!.email);
    const secondToken = tokenOf(/https?:\/\/\S+/.exec(secondMail.text)![0]);
    expect((await respond(other!, secondToken, 'decline')).statusCode).toBe(204);
    expect((await respond(other!, secondToken, 'accept')).statusCode).toBe(409);
    expect(await memberIds(community.id)).not.toContain(other!.id);
    expect(second.status).toBe('pending');
  });

  it('lets anyone with a link invitation join until it is revoked or expires', async () => {
    const community = await buildCommunity(server, owner);
    const [first, second, third] = await quickUsers(server, 3);
    const link = (await invite(owner, community.id)).json<CommunityInvitation>();
    expect(link).toMatchObject({ email: null, status: 'pending' });
    expect(link.url).toContain('token=');
    expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(14 * 24 * 3600 * 1000);
    expect((await respond(first!, tokenOf(link.url!), 'accept')).statusCode).toBe(200);
    expect((await respond(second!, tokenOf(link.url!), 'accept')).statusCode).toBe(200);
    expect((await inject('DELETE', `/api/v1/invitations/${link.id}`, second!)).statusCode).toBe(403);
    expect((await inject('DELETE', `/api/v1/invitations/${link.id}`, owner)).statusCode).toBe(204);
    expect((await respond(third!, tokenOf(link.url!), 'accept')).statusCode).toBe(409);
    expect((await respond(third!, 'not-a-token', 'accept')).statusCode).toBe(404);

    const old = (await invite(owner, community.id)).json<CommunityInvitation>();
    await server.platform.db.execute(
      sql`update community_invitations set expires_at = now() - interval '1 second' where id = ${old.id}`,
    );
    expect((await respond(third!, tokenOf(old.url!), 'accept')).statusCode).toBe(409);
    expect(await memberIds(community.id)).toEqual([owner.id, first!.id, second!.id]);
  });

  it('lets only managers invite, and only owners invite owners', async () => {
    const community = await buildCommunity(server, owner);
    const [member, outsider] = await quickUsers(server, 2);
    const link = (await invite(owner, community.id)).json<CommunityInvitation>();
    await respond(member!, tokenOf(link.url!), 'accept');
    expect((await invite(member!, community.id)).statusCode).toBe(403);
    expect((await invite(outsider!, community.id)).statusCode).toBe(404);
    expect((await invite(owner, community.id, { role: 'owner' })).statusCode).toBe(201);
    expect((await invite(owner, community.id, { email: 'bad' })).statusCode).toBe(400);
  });
});

describe('leaving a community', () => {
  it('lets a member leave, but not the last owner', async () => {
    const community = await buildCommunity(server, owner);
    const [member] = await quickUsers(server, 1);
    const link = (await invite(owner, community.id)).json<CommunityInvitation>();
    await respond(member!, tokenOf(link.url!), 'accept');
    expect(
      (await inject('DELETE', `/api/v1/communities/${community.id}/members/me`, member!)).statusCode,
    ).toBe(204);
    expect(await memberIds(community.id)).toEqual([owner.id]);
    expect(
      (await inject('DELETE', `/api/v1/communities/${community.id}/members/me`, member!)).statusCode,
    ).toBe(404);
    expect((await inject('DELETE', `/api/v1/communities/${community.id}/members/me`, owner)).statusCode).toBe(
      409,
    );
    const theirs = server.published.filter(
      (c) => c.scope === `user:${member!.id}` && c.entity === 'communities.membershipChanged',
    );
    expect(theirs.at(-1)).toMatchObject({ op: 'delete', id: community.id });
  });
});
