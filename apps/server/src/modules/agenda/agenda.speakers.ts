import type { Speaker, SpeakerDetail, SpeakerList } from '@muster/protocol';
import { inArray } from 'drizzle-orm';
import type { Ctx } from '../../platform/context.ts';
import type { Queryable } from '../../platform/db/client.ts';
import { notFound } from '../../platform/errors.ts';
import { canViewEvent, requireEvent } from '../events/index.ts';
import { users } from '../identity/index.ts';
import { presentSession } from './agenda.presenter.ts';
import { listSessionsOfSpeaker, listSpeakerIds } from './agenda.repository.ts';

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

/**
 * Loads the event's speakers for whoever may read its agenda; anyone else is told the event does
 * not exist. A speaker is someone named on a session that is not cancelled: a role alone does not
 * put a person on a public page.
 */
export async function listSpeakers(ctx: Ctx, eventId: string): Promise<SpeakerList> {
  const q = ctx.platform.readDb;
  await requireEvent(q, eventId, ctx.actor?.userId, canViewEvent);
  const sessionsOf = new Map<string, string[]>();
  for (const row of await listSpeakerIds(q, eventId)) {
    for (const id of row.speakerIds) {
      // Appended in place: copying the list per session made a busy speaker's answer quadratic.
      const list = sessionsOf.get(id);
      if (list) list.push(row.id);
      else sessionsOf.set(id, [row.id]);
    }
  }
  const profiles = await publicProfiles(q, [...sessionsOf.keys()]);
  const items = profiles
    .map((p) => presentSpeaker(p, sessionsOf.get(p.id) ?? []))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { items };
}

/** A person who speaks at no session of this event answers 404, like a missing one. */
export async function getSpeaker(ctx: Ctx, eventId: string, userId: string): Promise<SpeakerDetail> {
  const q = ctx.platform.readDb;
  await requireEvent(q, eventId, ctx.actor?.userId, canViewEvent);
  const rows = await listSessionsOfSpeaker(q, eventId, userId);
  const [profile] = rows.length ? await publicProfiles(q, [userId]) : [];
  if (!profile) throw notFound('Speaker');
  return {
    speaker: presentSpeaker(
      profile,
      rows.map((r) => r.id),
    ),
    sessions: rows.map(presentSession),
  };
}

function presentSpeaker(
  p: Awaited<ReturnType<typeof publicProfiles>>[number],
  sessionIds: string[],
): Speaker {
  return { ...p, avatar: p.avatar ?? null, sessionIds };
}
