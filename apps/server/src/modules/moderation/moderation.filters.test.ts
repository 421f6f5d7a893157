import type { ModerationSettings } from '@muster/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, call, grantRole, quickUsers } from '../../../test/factories/events.ts';
import { buildChannel, postMessage } from '../../../test/factories/messaging.ts';
import { registerUser, type TestUser } from '../../../test/factories.ts';
import { useTestServer } from '../../../test/harness.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { type ScreenInput, screenText } from './moderation.screen.ts';

const server = useTestServer();
let organiser: TestUser;
let eventId: string;
let channelId: string;
beforeAll(async () => {
  organiser = await registerUser(server, { name: 'Organiser' });
  eventId = (await buildEvent(server, organiser)).id;
  channelId = (await buildChannel(server, organiser, eventId)).id;
});

const settingsUrl = () => `/api/v1/events/${eventId}/moderation/settings`;
const putSettings = (patch: Partial<ModerationSettings>) =>
  call<ModerationSettings>(server, 'PUT', settingsUrl(), organiser, {
    filters: { profanity: true, links: true, flood: true },
    blockedWords: [],
    qnaPremoderation: false,
    ...patch,
  });
const screen = (input: Omit<ScreenInput, 'eventId'>) =>
  withTx(server.platform, (work) => screenText(work, { eventId, ...input }));

describe('settings', () => {
  it('has defaults, and managers change them (normalised words)', async () => {
    expect(await call(server, 'GET', settingsUrl(), organiser)).toEqual({
      filters: { profanity: true, links: true, flood: true },
      blockedWords: [],
      allowedWords: [],
      qnaPremoderation: false,
    });
    const saved = await putSettings({ blockedWords: ['  Spoiler ', 'spoiler', 'Crème'] });
    expect(saved.blockedWords).toEqual(['spoiler', 'creme']);
    await putSettings({});
  });

  it('refuses staff changing them, and hides them from attendees', async () => {
    const [staff, attendee] = await quickUsers(server, 2);
    await grantRole(server, eventId, organiser, staff!, 'staff');
    await call(server, 'GET', settingsUrl(), staff!);
    const body = {
      filters: { profanity: false, links: true, flood: true },
      blockedWords: [],
      qnaPremoderation: false,
    };
    await call(server, 'PUT', settingsUrl(), staff!, body, [403]);
    await call(server, 'GET', settingsUrl(), attendee!, undefined, [403]);
  });
});

describe('filters on messages', () => {
  it('refuses profanity with a 422 naming the reason, and lets allowed words through', async () => {
    const [alice] = await quickUsers(server, 1);
    const res = await postMessage(server, alice!, channelId, 'you are a fucking idiot');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'content_refused',
      errors: [{ field: 'body.body', message: 'profanity' }],
    });
    expect((await postMessage(server, alice!, channelId, 'I live near Scunthorpe')).statusCode).toBe(201);
    expect((await postMessage(server, alice!, channelId, 'sex education panel')).statusCode).toBe(422);
    await putSettings({ allowedWords: ['sex'] });
    expect((await postMessage(server, alice!, channelId, 'sex education panel!')).statusCode).toBe(201);
    await putSettings({});
  });

  it('refuses blocked words as whole words only, and more than 3 links', async () => {
    const [bob] = await quickUsers(server, 1);
    await putSettings({ blockedWords: ['spoiler'] });
    expect((await postMessage(server, bob!, channelId, 'SPOILER: the end')).statusCode).toBe(422);
    expect((await postMessage(server, bob!, channelId, 'no spoilers please')).statusCode).toBe(201);
    const links = 'https://a.example/1 https://b.example/2 www.c.example d.example.com';
    const res = await postMessage(server, bob!, channelId, links);
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ field: 'body.body', message: 'links' }]);
    expect((await postMessage(server, bob!, channelId, 'see https://a.example/1')).statusCode).toBe(201);
    await putSettings({});
  });

  it('refuses the same text from the same person within minutes, not from someone else', async () => {
    const [carol, dave] = await quickUsers(server, 2);
    expect((await postMessage(server, carol!, channelId, 'Buy my course')).statusCode).toBe(201);
    const again = await postMessage(server, carol!, channelId, '  buy MY   course ');
    expect(again.statusCode).toBe(422);
    expect(again.json().errors).toEqual([{ field: 'body.body', message: 'repeated' }]);
    expect((await postMessage(server, dave!, channelId, 'Buy my course')).statusCode).toBe(201);
  });

  it('mutes after 10 texts in 60 s (audited as automatic), moderators exempt', async () => {
    const [erin] = await quickUsers(server, 1);
    for (let i = 0; i < 10; i++)
      expect((await postMessage(server, erin!, channelId, `message ${i}`)).statusCode).toBe(201);
    const eleventh = await postMessage(server, erin!, channelId, 'message 10');
    expect(eleventh.statusCode).toBe(422);
    expect(eleventh.json().errors).toEqual([{ field: 'body.body', message: 'flood' }]);
    const muted = await postMessage(server, erin!, channelId, 'let me talk');
    expect(muted.statusCode).toBe(403);
    expect(muted.json().detail ?? muted.json().title).toMatch(/muted/);
    const audit = await call<{
      items: { action: string; source: string; targetId: string; actor: unknown }[];
    }>(server, 'GET', `/api/v1/events/${eventId}/moderation/audit`, organiser);
    expect(audit.items[0]).toMatchObject({
      action: 'mute',
      source: 'automatic',
      targetId: erin!.id,
      actor: null,
    });
    for (let i = 0; i < 12; i++)
      expect((await postMessage(server, organiser, channelId, `announcement ${i}`)).statusCode).toBe(201);
  });

  it('counts concurrent sends of one person in order, within a round too, and keeps seqs gap-free', async () => {
    const [gus] = await quickUsers(server, 1);
    const channel = await buildChannel(server, organiser, eventId);
    const answers = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        postMessage(server, gus!, channel.id, `burst ${'x'.repeat(i + 1)}`),
      ),
    );
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(10);
    expect(codes.filter((c) => c !== 201).every((c) => c === 422 || c === 403)).toBe(true);
    const seqs = answers.filter((r) => r.statusCode === 201).map((r) => r.json<{ seq: number }>().seq);
    expect(seqs.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('screenText for other paths', () => {
  it('holds with flags instead of refusing, and allows clean text', async () => {
    const [hank] = await quickUsers(server, 1);
    expect(await screen({ userId: hank!.id, path: 'question', text: 'What about shit?' })).toEqual({
      verdict: 'hold',
      flags: ['profanity'],
    });
    expect(await screen({ userId: hank!.id, path: 'word', text: 'Kubernetes' })).toEqual({
      verdict: 'allow',
    });
    await putSettings({ filters: { profanity: false, links: true, flood: false } });
    expect(await screen({ userId: hank!.id, path: 'question', text: 'What about shit?' })).toEqual({
      verdict: 'allow',
    });
    await putSettings({});
  });

  it('throws forbidden for a banned person', async () => {
    const [ivy] = await quickUsers(server, 1);
    await call(server, 'POST', '/api/v1/moderation/actions', organiser, {
      targetType: 'user',
      targetId: ivy!.id,
      eventId,
      action: 'ban',
      reason: 'raid',
    });
    await expect(screen({ userId: ivy!.id, path: 'question', text: 'hello' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await postMessage(server, ivy!, channelId, 'hello')).statusCode).toBe(403);
    const message = await call<{ id: string }>(
      server,
      'POST',
      `/api/v1/channels/${channelId}/messages`,
      organiser,
      {
        body: 'react to me',
        clientMsgId: 'react-target',
      },
    );
    await call(
      server,
      'PUT',
      `/api/v1/messages/${message.id}/reactions/%F0%9F%91%8D`,
      ivy!,
      undefined,
      [403],
    );
  });
});
