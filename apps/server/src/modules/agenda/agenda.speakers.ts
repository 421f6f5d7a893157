import type { Speaker, SpeakerDetail, SpeakerList } from '@muster/protocol';
import { inArray } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { notFound } from '../../platform/errors.ts';
import { canViewEvent, requireEvent } from '../events/index.ts';
import { users } from '../identity/index.ts';
import { presentSession } from './agenda.presenter.ts';
import { listEventSessions, type SessionRow } from './agenda.repository.ts';

/**
 * Only the public columns are selected, so a private field (e-mail, password hash, admin flag)
 * cannot reach a speaker answer even by a presenter's mistake.
 */
async function publicProfiles(q: Queryable, ids: string[]) {
  if (!ids.length) return [];
  return q
    .select({
      id: users.id,
      name: users.name,
      headline: users.headline,
      company: users.company,
      bio: users.bio,
      avatar: users.avatar,
      avatarUrl: users.avatarUrl,
    })
    .from(users)
    .where(inArray(users.id, ids));
}

/** Sessions that still take place, in agenda order, grouped by each speaker named on them. */
function sessionsBySpeaker(rows: SessionRow[]): Map<string, SessionRow[]> {
  const bySpeaker = new Map<string, SessionRow[]>();
  for (const row of rows) {
    if (row.cancelledAt) continue;
    for (const id of row.speakerIds) bySpeaker.set(id, [...(bySpeaker.get(id) ?? []), row]);
  }
  return bySpeaker;
}

/**
 * Loads the event's speakers for whoever may read its agenda; anyone else is told the event does
 * not exist. A speaker is someone named on a session that is not cancelled: a role alone does not
 * put a person on a public page.
 */
async function loadSpeakers(ctx: Ctx, eventId: string, only?: string) {
  const q = ctx.platform.readDb;
  await requireEvent(q, eventId, ctx.actor?.userId, canViewEvent);
  const bySpeaker = sessionsBySpeaker(await listEventSessions(q, eventId));
  const ids = only ? (bySpeaker.has(only) ? [only] : []) : [...bySpeaker.keys()];
  const profiles = await publicProfiles(q, ids);
  return profiles.map((p) => {
    const sessions = bySpeaker.get(p.id) ?? [];
    const speaker: Speaker = { ...p, avatar: p.avatar ?? null, sessionIds: sessions.map((s) => s.id) };
    return { speaker, sessions };
  });
}

export async function listSpeakers(ctx: Ctx, eventId: string): Promise<SpeakerList> {
  const found = await loadSpeakers(ctx, eventId);
  const items = found
    .map((f) => f.speaker)
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { items };
}

/** A person who speaks at no session of this event answers 404, like a missing one. */
export async function getSpeaker(ctx: Ctx, eventId: string, userId: string): Promise<SpeakerDetail> {
  const [found] = await loadSpeakers(ctx, eventId, userId);
  if (!found) throw notFound('Speaker');
  return { speaker: found.speaker, sessions: found.sessions.map(presentSession) };
}
