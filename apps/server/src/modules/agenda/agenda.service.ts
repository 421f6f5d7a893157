import type { AgendaHistory, CreateSessionBody, Session, UpdateSessionBody } from '@muster/protocol';
import { entities, isUuid, scopes } from '@muster/protocol';
import { uuidv7 } from 'uuidv7';
import { readHeads } from '../../platform/changes/change-log.ts';
import type { AuthedCtx, Ctx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, invalid } from '../../platform/errors.ts';
import { canEditAgenda, canSeeAgendaHistory, canViewEvent, requireEvent } from '../events/index.ts';
import { requireSession } from './agenda.access.ts';
import { checkTimes, sessionColumns } from './agenda.input.ts';
import { PLAN_FIELDS, SESSION_CHANGE_FANNED_OUT, type SessionChangeFanout } from './agenda.jobs.ts';
import { diffSessions, presentHistory, presentSession, snapshotOf } from './agenda.presenter.ts';
import { type AgendaSnapshot, agendaEtag, agendaReadModelOf, etagMatches } from './agenda.read-model.ts';
import * as repo from './agenda.repository.ts';

async function checkSpeakers(q: Queryable, speakerIds: readonly string[] | undefined) {
  if (!speakerIds?.length) return;
  const found = await repo.existingUserIds(q, speakerIds);
  const missing = speakerIds.findIndex((id) => !found.has(id));
  if (missing >= 0) throw invalid(`body.speakerIds.${missing}`, 'is not an existing user');
}

/** Event managers add sessions; the change log, the history and the session commit together. */
export async function createSession(
  ctx: AuthedCtx,
  eventId: string,
  input: CreateSessionBody,
): Promise<Session> {
  const columns = sessionColumns(input);
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  checkTimes(startsAt, endsAt, 'body.endsAt');
  const actorId = ctx.actor.userId;
  return withTx(ctx.platform, async ({ tx, append }) => {
    await requireEvent(tx, eventId, actorId, canEditAgenda);
    await checkSpeakers(tx, input.speakerIds);
    const now = new Date();
    const id = uuidv7();
    const row = await repo.insertSession(tx, {
      ...columns,
      title: columns.title ?? input.title,
      startsAt,
      endsAt,
      id,
      eventId,
      createdAt: now,
      updatedAt: now,
    });
    const session = presentSession(row);
    await repo.insertHistory(tx, {
      id: uuidv7(),
      sessionId: id,
      eventId,
      actorId,
      kind: 'created',
      at: now,
      before: null,
      after: snapshotOf(session),
    });
    await append({
      scope: scopes.event(eventId),
      entity: entities.agenda.sessionCreated,
      op: 'upsert',
      id,
      data: session,
      actorId,
    });
    return session;
  });
}

/**
 * Partial update. A PATCH that changes nothing records nothing (no history, no seq), so clients
 * retrying an edit do not flood attendees. Cancelled sessions are tombstones and stay as they were.
 */
export async function updateSession(
  ctx: AuthedCtx,
  sessionId: string,
  input: UpdateSessionBody,
): Promise<Session> {
  const columns = sessionColumns(input);
  const actorId = ctx.actor.userId;
  return withTx(ctx.platform, async ({ tx, append, enqueue }) => {
    const { session: row } = await requireSession(tx, sessionId, actorId, canEditAgenda, { forUpdate: true });
    if (row.cancelledAt) throw new AppError(ErrorCode.conflict, 'A cancelled session cannot be edited');
    checkTimes(
      columns.startsAt ?? row.startsAt,
      columns.endsAt ?? row.endsAt,
      input.endsAt !== undefined ? 'body.endsAt' : 'body.startsAt',
    );
    await checkSpeakers(tx, input.speakerIds);
    const before = presentSession(row);
    const diff = diffSessions(before, presentSession({ ...row, ...columns }));
    if (!diff.changed.length) return before;
    const now = new Date();
    const session = presentSession(await repo.updateSession(tx, sessionId, { ...columns, updatedAt: now }));
    await repo.insertHistory(tx, {
      id: uuidv7(),
      sessionId,
      eventId: row.eventId,
      actorId,
      kind: 'updated',
      at: now,
      before: diff.before,
      after: diff.after,
    });
    const record = await append({
      scope: scopes.event(row.eventId),
      entity: entities.agenda.sessionUpdated,
      op: 'upsert',
      id: sessionId,
      data: { ...session, changed: diff.changed },
      actorId,
    });
    if (diff.changed.some((field) => PLAN_FIELDS.includes(field))) {
      const fanout: SessionChangeFanout = {
        eventId: row.eventId,
        sessionId,
        seq: record.seq,
        kind: 'updated',
        changed: diff.changed,
        before: diff.before,
        after: session,
      };
      await enqueue(SESSION_CHANGE_FANNED_OUT, fanout);
    }
    return session;
  });
}

/** Cancelling keeps the session as a tombstone (bookmarks and history still resolve); twice is a no-op. */
export async function cancelSession(ctx: AuthedCtx, sessionId: string): Promise<Session> {
  const actorId = ctx.actor.userId;
  return withTx(ctx.platform, async ({ tx, append, enqueue }) => {
    const { session: row } = await requireSession(tx, sessionId, actorId, canEditAgenda, { forUpdate: true });
    if (row.cancelledAt) return presentSession(row);
    const now = new Date();
    const session = presentSession(
      await repo.updateSession(tx, sessionId, { cancelledAt: now, updatedAt: now }),
    );
    await repo.insertHistory(tx, {
      id: uuidv7(),
      sessionId,
      eventId: row.eventId,
      actorId,
      kind: 'cancelled',
      at: now,
      before: { cancelled: false },
      after: { cancelled: true },
    });
    const record = await append({
      scope: scopes.event(row.eventId),
      entity: entities.agenda.sessionCancelled,
      op: 'upsert',
      id: sessionId,
      data: session,
      actorId,
    });
    const fanout: SessionChangeFanout = {
      eventId: row.eventId,
      sessionId,
      seq: record.seq,
      kind: 'cancelled',
      changed: ['cancelled'],
      before: { cancelled: false },
      after: session,
    };
    await enqueue(SESSION_CHANGE_FANNED_OUT, fanout);
    return session;
  });
}

export async function getSession(ctx: Ctx, sessionId: string): Promise<Session> {
  const { session } = await requireSession(ctx.platform.db, sessionId, ctx.actor?.userId, canViewEvent);
  return presentSession(session);
}

export type AgendaView =
  | { etag: string; notModified: true }
  | { etag: string; notModified: false; json: string };

export interface AgendaPage {
  limit: number;
  cursor?: string | undefined;
}

const answer = (snapshot: AgendaSnapshot, page: AgendaPage, ifNoneMatch: string | undefined): AgendaView =>
  etagMatches(ifNoneMatch, snapshot.etag)
    ? { etag: snapshot.etag, notModified: true }
    : { etag: snapshot.etag, notModified: false, json: snapshot.page(page.limit, page.cursor) };

/**
 * The agenda read model (CQRS read side). A published public or unlisted event's agenda is usually
 * served from memory with no query (see agenda.read-model.ts); otherwise it authorises first, then
 * validates the client's ETag against the event scope's head, and reads the sessions only when the
 * node has no snapshot at that head.
 */
export async function getAgenda(
  ctx: Ctx,
  eventId: string,
  page: AgendaPage,
  ifNoneMatch: string | undefined,
): Promise<AgendaView> {
  const model = agendaReadModelOf(ctx.platform);
  const trusted = model.trusted(eventId);
  if (trusted) return answer(trusted, page, ifNoneMatch);
  const q = ctx.platform.readDb;
  const access = await requireEvent(q, eventId, ctx.actor?.userId, canViewEvent);
  const readableByAnyone = canViewEvent({ ...access, userId: null, eventRole: null, communityRole: null });
  const scope = scopes.event(eventId);
  const head = (await readHeads(q, [scope]))[scope] ?? 0;
  const valid = model.validate(eventId, head, readableByAnyone);
  if (valid) return answer(valid, page, ifNoneMatch);
  const etag = agendaEtag(head);
  if (etagMatches(ifNoneMatch, etag)) return { etag, notModified: true };
  const rows = await repo.listEventSessions(q, eventId);
  return answer(model.store(eventId, head, rows.map(presentSession), readableByAnyone), page, ifNoneMatch);
}

/** Staff see who changed what and when; oldest first, paged by the id of the last entry. */
export async function listHistory(
  ctx: AuthedCtx,
  sessionId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<AgendaHistory> {
  const q = ctx.platform.db;
  await requireSession(q, sessionId, ctx.actor.userId, canSeeAgendaHistory);
  if (page.cursor !== undefined) {
    const valid = isUuid(page.cursor);
    if (!valid || !(await repo.historyEntryExists(q, sessionId, page.cursor)))
      throw invalid('querystring.cursor', 'is not a cursor of this list');
  }
  const rows = await repo.listHistory(q, sessionId, { afterId: page.cursor, limit: page.limit + 1 });
  const items = rows.slice(0, page.limit).map(presentHistory);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}
