import type { Message, MessagePage, Note, Rsvp, Schedule } from '@muster/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../../../../apps/server/test/factories.ts';
import { createTestServer, type TestServer } from '../../../../apps/server/test/harness.ts';
import { asUser, buildWorld, clientFor, eventually, type World } from '../../test/helpers.ts';
import type { FetchLike } from '../platform.ts';
import { MemoryStorage } from '../storage/memory.ts';
import type { Mutation } from './mutations.ts';

let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await createTestServer({ listen: true });
  world = await buildWorld(server);
});
afterAll(async () => server?.stop());

const messagesBy = async (user: TestUser) =>
  (
    await asUser<MessagePage>(
      server,
      world.organiser,
      'GET',
      `/api/v1/channels/${world.channel.id}/messages?limit=200`,
    )
  ).items.filter((m) => m.senderId === user.id);

describe('the outbox', () => {
  it('keeps offline writes across a restart and replays them exactly once', async () => {
    const user = await registerUser(server);
    const storage = new MemoryStorage();
    const first = await clientFor(server, user, { storage });
    await first.client.openEvent(world.event.id);
    first.signals.set({ online: false });
    const [a, b] = world.sessions;
    await first.client.saveNote(a!.id, 'offline thoughts');
    await first.client.bookmark(b!.id);
    await first.client.rsvp(world.event.id, 'going');
    await first.client.sendMessage(world.channel.id, 'sent from the tunnel');
    // Shown at once, before any of it reached the server.
    const view = first.client.store.getState();
    expect(view.notes[a!.id]?.body).toBe('offline thoughts');
    expect(b!.id in view.bookmarks).toBe(true);
    expect(view.rsvps[world.event.id]?.status).toBe('going');
    expect(Object.values(view.messages).find((m) => m.body === 'sent from the tunnel')?.local).toBe(
      'sending',
    );
    expect(first.client.pending()).toHaveLength(4);
    await first.client.close();

    // The app restarts on the same device, back online.
    const second = await clientFor(server, user, { storage });
    expect(second.client.pending()).toHaveLength(4);
    expect(second.client.store.getState().notes[a!.id]?.body).toBe('offline thoughts');
    await second.client.idle();
    const note = await asUser<Note>(server, user, 'GET', `/api/v1/sessions/${a!.id}/note`);
    expect(note.body).toBe('offline thoughts');
    const schedule = await asUser<Schedule>(server, user, 'GET', '/api/v1/me/schedule');
    expect(schedule.items.map((i) => i.session.id)).toEqual([b!.id]);
    expect((await asUser<Rsvp>(server, user, 'GET', `/api/v1/events/${world.event.id}/rsvp`)).status).toBe(
      'going',
    );
    expect((await messagesBy(user)).map((m) => m.body)).toEqual(['sent from the tunnel']);
    // The store now holds the server's own records, nothing optimistic left.
    const state = second.client.store.getState();
    const mine = Object.values(state.messages).filter((m) => m.senderId === user.id);
    expect(mine.map((m) => [m.body, m.local])).toEqual([['sent from the tunnel', undefined]]);
    expect(state.notes[a!.id]).toEqual(note);
    await second.client.close();
  });

  it('retries a write whose answer was lost without doing it twice', async () => {
    const user = await registerUser(server);
    let lose = 2;
    const lossy: FetchLike = async (url, init) => {
      const response = (await fetch(url, init)) as unknown as Awaited<ReturnType<FetchLike>>;
      // The request reached the server and committed; the answer never comes back.
      if (init.method !== 'GET' && url.includes('/messages') && lose-- > 0)
        throw new TypeError('socket hang up');
      return response;
    };
    const { client } = await clientFor(server, user, { fetch: lossy });
    await client.openChannel(world.channel.id);
    await client.sendMessage(world.channel.id, 'exactly once, please');
    await client.idle();
    expect(lose).toBeLessThan(0);
    expect((await messagesBy(user)).map((m) => m.body)).toEqual(['exactly once, please']);
    await client.close();
  });

  it('drops a write the server refuses for good, rolls it back and carries on', async () => {
    const user = await registerUser(server);
    const { client } = await clientFor(server, user);
    await client.openChannel(world.channel.id);
    const failed: { mutation: Mutation; code: string }[] = [];
    client.events.on('failed', ({ mutation, error }) => failed.push({ mutation, code: error.code }));
    await client.sendMessage(world.channel.id, 'x'.repeat(5000));
    await client.sendMessage(world.channel.id, 'a fine message');
    await client.idle();
    expect(failed.map((f) => [f.mutation.input.kind, f.code])).toEqual([
      ['message.send', 'validation_failed'],
    ]);
    const bodies = Object.values(client.store.getState().messages).map((m) => m.body);
    expect(bodies).toContain('a fine message');
    expect(bodies).not.toContain('x'.repeat(5000));
    expect((await messagesBy(user)).map((m) => m.body)).toEqual(['a fine message']);
    expect(client.pending()).toHaveLength(0);
    await client.close();
  });

  it('tells the user when an offline note edit lost to a later edit elsewhere', async () => {
    const user = await registerUser(server);
    const session = world.sessions[2]!;
    const { client, signals } = await clientFor(server, user);
    await client.saveNote(session.id, 'first version');
    await client.idle();
    signals.set({ online: false });
    await client.saveNote(session.id, 'edited offline, earlier');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the server's clock resolution here
    // The same user edits the note on another device, later.
    const other = await asUser<Note>(server, user, 'PUT', `/api/v1/sessions/${session.id}/note`, {
      body: 'edited on the laptop, later',
    });
    const overridden: string[] = [];
    client.events.on('overridden', ({ mutation, version }) => {
      if (mutation.input.kind === 'note.put') overridden.push(`${mutation.input.body} < ${version}`);
    });
    signals.set({ online: true });
    await client.idle();
    expect(overridden).toEqual([`edited offline, earlier < ${other.updatedAt}`]);
    const stored = await asUser<Note>(server, user, 'GET', `/api/v1/sessions/${session.id}/note`);
    expect(stored.body).toBe('edited on the laptop, later');
    expect(client.store.getState().notes[session.id]?.body).toBe('edited on the laptop, later');
    await client.close();
  });

  it('lets a later offline edit win over an earlier edit elsewhere', async () => {
    const user = await registerUser(server);
    const session = world.sessions[1]!;
    const { client, signals } = await clientFor(server, user);
    await client.saveNote(session.id, 'first version');
    await client.idle();
    signals.set({ online: false });
    await asUser<Note>(server, user, 'PUT', `/api/v1/sessions/${session.id}/note`, {
      body: 'laptop, earlier',
    });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the server's clock resolution here
    await client.saveNote(session.id, 'phone, later');
    await client.saveNote(session.id, 'phone, later still');
    expect(client.pending()).toHaveLength(1); // unsent edits of one note merge
    const overridden: Mutation[] = [];
    client.events.on('overridden', ({ mutation }) => overridden.push(mutation));
    signals.set({ online: true });
    await client.idle();
    expect(overridden).toEqual([]);
    const note = await asUser<Note>(server, user, 'GET', `/api/v1/sessions/${session.id}/note`);
    expect(note.body).toBe('phone, later still');
    expect(client.store.getState().notes[session.id]).toEqual(note);
    await client.close();
  });

  it('rolls back an optimistic message when its channel refuses it', async () => {
    const user = await registerUser(server);
    const { client } = await clientFor(server, user);
    const unknownChannel = '01900000-0000-7000-8000-000000000000';
    const failed: string[] = [];
    client.events.on('failed', ({ error }) => failed.push(error.code));
    await client.sendMessage(unknownChannel, 'into the void');
    expect(
      Object.values(client.store.getState().messages).some((m: Message) => m.body === 'into the void'),
    ).toBe(true);
    await client.idle();
    await eventually(() => failed.length === 1, 'the failure');
    expect(failed).toEqual(['not_found']);
    expect(Object.values(client.store.getState().messages).some((m) => m.body === 'into the void')).toBe(
      false,
    );
    await client.close();
  });
});
