import { scopes } from '@muster/protocol';
import { eq } from 'drizzle-orm';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import { bookmarks, findSession } from '../agenda/index.ts';
import { sessionCheckins } from '../checkin/index.ts';
import { canViewEvent, loadEventAccessAmong } from '../events/index.ts';
import { raiseNotifications, registerAudience } from '../notifications/index.ts';
import { tickets } from '../tickets/index.ts';
import type * as repo from './polls.repository.ts';

const SESSION_AUDIENCE = 'polls.sessionAudience';

/**
 * The people "in" a session: who bookmarked it, and whose ticket was scanned at its room door
 * (whatever direction: someone who stepped out still cares), while they may view the event.
 */
async function sessionAudience(q: Queryable, sessionId: string): Promise<string[]> {
  const session = await findSession(q, sessionId);
  if (!session) return [];
  const [marked, scanned] = await Promise.all([
    q.select({ userId: bookmarks.userId }).from(bookmarks).where(eq(bookmarks.sessionId, sessionId)),
    q
      .selectDistinct({ userId: tickets.holderId })
      .from(sessionCheckins)
      .innerJoin(tickets, eq(tickets.id, sessionCheckins.ticketId))
      .where(eq(sessionCheckins.sessionId, sessionId)),
  ]);
  const candidates = [...new Set([...marked, ...scanned].flatMap((r) => (r.userId ? [r.userId] : [])))];
  const access = await loadEventAccessAmong(q, session.eventId, candidates);
  return access ? candidates.filter((userId) => canViewEvent(access.accessOf(userId))) : [];
}

registerAudience(SESSION_AUDIENCE, sessionAudience);

/** A poll opened: the session's people are asked to vote (grouped per session, normal priority). */
export async function raisePollOpened(work: Work, poll: repo.PollRow, actorId: string): Promise<void> {
  const session = await findSession(work.tx, poll.sessionId);
  await raiseNotifications(work, [
    {
      key: `polls.opened:${poll.id}`,
      category: 'announcements',
      priority: 'normal',
      kind: 'polls.opened',
      audience: { kind: SESSION_AUDIENCE, id: poll.sessionId },
      actorId,
      groupKey: scopes.session(poll.sessionId),
      title: `Vote now${session ? ` in ${session.title}` : ''}`,
      groupTitle: `{count} live polls${session ? ` in ${session.title}` : ''}`,
      body: poll.question,
      url: `/sessions/${poll.sessionId}/live`,
      muteScopes: [scopes.session(poll.sessionId), scopes.event(poll.eventId)],
      data: { pollId: poll.id, sessionId: poll.sessionId },
    },
  ]);
}
