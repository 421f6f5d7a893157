import { NOTIFICATION_CATEGORIES, type NotificationCategory } from '@muster/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import type { Work } from '../../platform/db/unit-of-work.ts';
import type { NotificationPriority } from './notifications.policy.ts';

export const NOTIFICATION_DELIVERY = 'notifications.deliver';

/**
 * Who a notification is for: named people, or an audience a module resolves when the job runs
 * (`channelReaders` of a channel, `messageAuthor` of a message…) so the writer's transaction stays
 * as short as its own work, whatever the audience's size.
 */
export type Audience = { users: readonly string[] } | { kind: string; id: string };

/**
 * What a module says happened, raised inside its own transaction (`raiseNotifications`): the
 * intent commits exactly when the change does, and a job turns it into inbox items, pushes and
 * e-mails per person and their preferences.
 */
export interface NotificationIntent {
  /** Business key of the occurrence: an intent with a key already delivered is dropped. */
  key: string;
  category: NotificationCategory;
  priority: NotificationPriority;
  /** `<module>.<what>`, e.g. `messaging.dm`. */
  kind: string;
  audience: Audience;
  /** Never told about their own action. */
  actorId?: string | null;
  /**
   * The thing it is about (a scope: `channel:<id>`, `session:<id>`, `event:<id>`): items of one
   * category and group key merge while unread, and opening the thing marks them read.
   */
  groupKey: string;
  title: string;
  body: string | null;
  /** The title once several merged; `{count}` is replaced ("{count} new messages in #general"). */
  groupTitle?: string;
  /** App path the notification opens. */
  url: string;
  /** Scopes whose mute silences it (the channel and its event, a session and its event). */
  muteScopes?: readonly string[];
  /** Someone who has already seen the subject (a read marker past it) is not told. */
  seen?: { check: string; id: string; seq: number };
  data?: Record<string, unknown>;
  /** When it happened (ISO); set when raised. The newest occurrence of a group is the one shown. */
  occurredAt?: string;
}

/** The longest title and body an item keeps (a message's text is cut, not refused). */
export const TITLE_MAX = 140;
export const BODY_MAX = 300;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Raises intents inside the caller's transaction: one job per intent, one statement for all. */
export async function raiseNotifications(work: Work, intents: readonly NotificationIntent[]): Promise<void> {
  if (!intents.length) return;
  for (const intent of intents)
    if (!NOTIFICATION_CATEGORIES.includes(intent.category))
      throw new Error(`unknown notification category ${intent.category}`);
  await work.enqueueMany(
    NOTIFICATION_DELIVERY,
    intents.map((intent) => ({
      ...intent,
      occurredAt: intent.occurredAt ?? new Date().toISOString(),
      title: clip(intent.title, TITLE_MAX),
      body: intent.body === null ? null : clip(intent.body, BODY_MAX),
    })),
    // Critical items jump the queue: a DM is not stuck behind an announcement to thousands.
    (intent) => (intent.priority === 'critical' ? { priority: 10 } : {}),
  );
}

export type AudienceResolver = (q: Queryable, id: string) => Promise<string[]>;
export type SeenCheck = (
  q: Queryable,
  id: string,
  seq: number,
  userIds: readonly string[],
) => Promise<Set<string>>;

const audiences = new Map<string, AudienceResolver>();
const seenChecks = new Map<string, SeenCheck>();

/**
 * A module names an audience it can resolve (at load time, like moderation targets): the
 * notifications module never reads another module's tables itself.
 */
export function registerAudience(kind: string, resolve: AudienceResolver): void {
  audiences.set(kind, resolve);
}

/** A module says how to tell who has already seen one of its things (read markers). */
export function registerSeenCheck(check: string, seen: SeenCheck): void {
  seenChecks.set(check, seen);
}

export async function resolveAudience(q: Queryable, audience: Audience): Promise<string[]> {
  if ('users' in audience) return [...new Set(audience.users)];
  const resolve = audiences.get(audience.kind);
  if (!resolve) throw new Error(`no notification audience "${audience.kind}" is registered`);
  return [...new Set(await resolve(q, audience.id))];
}

export async function alreadySeen(
  q: Queryable,
  seen: NotificationIntent['seen'],
  userIds: readonly string[],
): Promise<Set<string>> {
  if (!seen || !userIds.length) return new Set();
  const check = seenChecks.get(seen.check);
  if (!check) throw new Error(`no notification seen-check "${seen.check}" is registered`);
  return check(q, seen.id, seen.seq, userIds);
}
