import type {
  Channel,
  ChannelListQuery,
  ChannelPage,
  ChannelView,
  CreateChannelBody,
  CreateDmBody,
  EventChannelKind,
} from '@muster/protocol';
import { entities, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { type Work, withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid } from '../../platform/errors.ts';
import { decodeCursor, pageOf } from '../../platform/paging.ts';
import { canViewEvent, type EventAccess, loadEventAccess, requireEvent } from '../events/index.ts';
import { blockedEitherWay } from '../identity/index.ts';
import { readersAmong, requireChannel } from './messaging.access.ts';
import * as repo from './messaging.channels.repository.ts';
import { checkName } from './messaging.input.ts';
import {
  canCreateEventChannel,
  canPostInChannel,
  canReadChannel,
  isPrivateKind,
  readableEventKinds,
  restrictedChannelRoles,
} from './messaging.policy.ts';
import { presentChannel, presentChannelView } from './messaging.presenter.ts';
import * as relations from './messaging.relations.repository.ts';

/** Opening DMs and groups is the spam vector of chat; the shared-context rule is the other guard. */
const OPEN_LIMIT = { name: 'channel-open', points: 30, durationSeconds: 60 };

/**
 * Who learns of a new event channel. Channels every viewer reads go on the event's scope; staff and
 * vendor channels go to the `user:<id>` scopes of the people who may read them now, so attendees
 * following the event never see that they exist (authorise before revealing).
 */
async function announceEventChannel(work: Work, access: EventAccess, channel: Channel, actorId: string) {
  const kind = channel.kind;
  const record = {
    entity: entities.messaging.channelCreated,
    op: 'upsert' as const,
    id: channel.id,
    data: channel,
    actorId,
  };
  if (kind !== 'staff' && kind !== 'vendors') {
    await work.append({ scope: scopes.event(access.event.id), ...record });
    return;
  }
  const roles = restrictedChannelRoles(kind);
  const candidates = await relations.usersWithRoles(
    work.tx,
    access.event,
    roles.eventRoles,
    roles.communityRoles,
  );
  const readers = await readersAmong(
    work.tx,
    { channelId: channel.id, kind, event: access.event },
    candidates,
  );
  await work.appendMany([...readers].sort().map((userId) => ({ scope: scopes.user(userId), ...record })));
}

async function checkSession(q: Queryable, eventId: string, kind: EventChannelKind, sessionId?: string) {
  if (kind !== 'session') {
    if (sessionId !== undefined) throw invalid('body.sessionId', 'is only accepted for session channels');
    return null;
  }
  if (sessionId === undefined) throw invalid('body.sessionId', 'is required for session channels');
  const session = await repo.findSessionOfEvent(q, sessionId, eventId);
  if (!session) throw invalid('body.sessionId', 'is not a session of this event');
  if (session.channelId) throw new AppError(ErrorCode.conflict, 'This session already has a channel');
  return sessionId;
}

/** Event managers open channels in their event; the news reaches exactly the people who may read it. */
export async function createEventChannel(
  ctx: AuthedCtx,
  eventId: string,
  input: CreateChannelBody,
): Promise<ChannelView> {
  const name = checkName('body.name', input.name);
  const actorId = ctx.actor.userId;
  return withTx(ctx.platform, async (work) => {
    const access = await requireEvent(work.tx, eventId, actorId, canCreateEventChannel);
    const sessionId = await checkSession(work.tx, eventId, input.kind, input.sessionId);
    const row = await repo.insertChannel(work.tx, {
      id: uuidv7(),
      eventId,
      kind: input.kind,
      name,
      sessionId,
      createdBy: actorId,
    });
    const channel = presentChannel(row);
    await announceEventChannel(work, access, channel, actorId);
    const facts = { kind: input.kind, event: access, isMember: false };
    return {
      ...channel,
      canPost: canPostInChannel(facts),
      unreadCount: 0,
      lastReadSeq: 0,
      lastDeliveredSeq: 0,
      lastMessageAt: null,
    };
  });
}

/** The channels of an event the caller may read, with their unread counts; oldest first. */
export async function listEventChannels(
  ctx: AuthedCtx,
  eventId: string,
  query: ChannelListQuery,
): Promise<ChannelPage> {
  const q = ctx.platform.db;
  const userId = ctx.actor.userId;
  const access = await requireEvent(q, eventId, userId, canViewEvent);
  const limit = query.limit ?? 100;
  const cursor = decodeCursor(query.cursor, ['uuid'] as const, 'querystring.cursor');
  const rows = await repo.listEventChannels(q, eventId, userId, {
    kinds: readableEventKinds(access),
    afterId: cursor ? cursor[0] : null,
    limit: limit + 1,
  });
  const page = pageOf(rows, limit, (r) => [r.channel.id]);
  return {
    items: page.items.map((row) => {
      const facts = { kind: row.channel.kind as EventChannelKind, event: access, isMember: false };
      return presentChannelView(row, undefined, canPostInChannel(facts));
    }),
    nextCursor: page.nextCursor,
  };
}

/** One channel as the caller sees it (404 unless they may read it). */
export async function getChannel(ctx: AuthedCtx, channelId: string): Promise<ChannelView> {
  const q = ctx.platform.db;
  const access = await requireChannel(q, channelId, ctx.actor.userId, 'read');
  return viewOf(q, access.channel.id, ctx.actor.userId, access.canPost);
}

async function viewOf(
  q: Queryable,
  channelId: string,
  userId: string,
  canPost: boolean,
): Promise<ChannelView> {
  const state = (await repo.findChannelState(q, channelId, userId))!;
  if (!isPrivateKind(state.channel.kind as Channel['kind']))
    return presentChannelView(state, undefined, canPost);
  const members = (await repo.memberIdsOf(q, [channelId])).get(channelId);
  // The markers the receipt records carried: a device that starts following now needs them too.
  const receipts = (await repo.othersMarkers(q, channelId, userId)).map((m) => ({ channelId, ...m }));
  return { ...presentChannelView(state, members, canPost), receipts };
}

/** A DM is the same channel for the same pair, whoever opens it: `dmKey` is the sorted pair. */
const dmKeyOf = (a: string, b: string) => [a, b].sort().join(':');

/**
 * `POST /api/v1/dms`: one other user opens (or returns) the DM, more open a new group. Each user
 * must share a community, or a role or RSVP in one event, with the caller, and have no block with
 * them either way; anyone else (existing or not) is answered 404 naming the array item, so the
 * endpoint can be used neither to probe accounts nor to learn who blocked whom.
 */
export async function openDirectChannel(
  ctx: AuthedCtx,
  input: CreateDmBody,
): Promise<{ channel: ChannelView; created: boolean }> {
  const me = ctx.actor.userId;
  const others = input.userIds.map((id) => id.toLowerCase());
  const self = others.indexOf(me);
  if (self >= 0) throw invalid(`body.userIds.${self}`, 'must not be yourself');
  if (new Set(others).size !== others.length) throw invalid('body.userIds', 'must not repeat a user');
  if (others.length === 1 && input.name !== undefined)
    throw invalid('body.name', 'is only accepted for groups (two or more other users)');
  const name = input.name === undefined ? null : checkName('body.name', input.name);
  await ctx.platform.limits.consume(OPEN_LIMIT, me);
  return withTx(ctx.platform, async (work) => {
    const shared = await relations.usersSharingContext(work.tx, me, others);
    const blocked = await blockedEitherWay(work.tx, me, others);
    const stranger = others.findIndex((id) => !shared.has(id) || blocked.has(id));
    if (stranger >= 0)
      throw new AppError(ErrorCode.not_found, 'User not found', {
        errors: [{ field: `body.userIds.${stranger}`, message: 'not found' }],
      });
    const base = { id: uuidv7(), eventId: null, sessionId: null, createdBy: me };
    let row: repo.ChannelRow | undefined;
    if (others.length === 1) {
      const dmKey = dmKeyOf(me, others[0]!);
      row = await repo.insertDmChannel(work.tx, { ...base, kind: 'dm', name: null, dmKey });
      if (!row) {
        const existing = await repo.findChannelByDmKey(work.tx, dmKey);
        return { channel: await viewOf(work.tx, existing!.id, me, true), created: false };
      }
    } else {
      row = await repo.insertChannel(work.tx, { ...base, kind: 'group', name });
    }
    const memberIds = [me, ...others];
    await repo.insertMembers(work.tx, row.id, memberIds);
    const channel = presentChannel(row, memberIds);
    await work.appendMany(
      [...memberIds].sort().map((userId) => ({
        scope: scopes.user(userId),
        entity: entities.messaging.channelCreated,
        op: 'upsert' as const,
        id: row.id,
        data: channel,
        actorId: me,
      })),
    );
    return { channel: await viewOf(work.tx, row.id, me, true), created: true };
  });
}

/**
 * `GET /api/v1/me/channels`: my DMs and groups, and the event channels I have been active in (they
 * hold my markers) that I may still read; most recent activity first.
 */
export async function listMyChannels(ctx: AuthedCtx, query: ChannelListQuery): Promise<ChannelPage> {
  const q = ctx.platform.db;
  const me = ctx.actor.userId;
  const limit = query.limit ?? 100;
  const cursor = decodeCursor(query.cursor, ['number', 'uuid'] as const, 'querystring.cursor');
  const rows = await repo.listMyChannels(q, me, { after: cursor, limit: limit + 1 });
  const page = pageOf(rows, limit, (r) => [r.activity, r.channel.id]);
  const members = await repo.memberIdsOf(
    q,
    page.items.filter((r) => r.channel.eventId === null).map((r) => r.channel.id),
  );
  const events = new Map<string, EventAccess | null>();
  for (const eventId of new Set(page.items.map((r) => r.channel.eventId).filter((id) => id !== null)))
    events.set(eventId, await loadEventAccess(q, eventId, me));
  const items: ChannelView[] = [];
  for (const row of page.items) {
    const kind = row.channel.kind as Channel['kind'];
    const event = row.channel.eventId ? (events.get(row.channel.eventId) ?? null) : null;
    const facts = { kind, event, isMember: row.isMember === true };
    if (!canReadChannel(facts)) continue;
    items.push(presentChannelView(row, members.get(row.channel.id), canPostInChannel(facts)));
  }
  return { items, nextCursor: page.nextCursor };
}
