import type { NotificationCategory } from '@muster/protocol';
import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { defineMailTemplate, enqueueMail, mailSafeText } from '../../platform/mail/index.ts';
import { users } from '../identity/index.ts';
import { hourOf, takeHourly } from './notifications.caps.ts';
import { hourMs, switchesFor } from './notifications.policy.ts';
import { isMuted, loadPreferences } from './notifications.preferences.ts';
import { notificationPushCounts, notifications } from './notifications.tables.ts';

/** An item unread this long is mailed (one seen in the app by then never is). */
export const EMAIL_AFTER_MS = 15 * 60_000;
/** Items older than this are not mailed any more: yesterday's news. */
const EMAIL_WITHIN_MS = 2 * 24 * 3600_000;
/** People per sweep; the next sweep takes the rest. */
const PEOPLE = 50;
const ITEMS_PER_MAIL = 20;
/** The hourly cap a person's e-mail digest takes. */
export const DIGEST_CAP = 'email-digest';

export const digestMail = defineMailTemplate({
  name: 'notifications.digest',
  subject: '{{count}} new on Muster',
  text: `Hello {{name}},

while you were away:
{{#items}}
- {{title}}{{#body}}: {{body}}{{/body}}
  {{link}}
{{/items}}

Choose what reaches you by e-mail: {{settings}}
`,
  html: `<p>Hello {{name}},</p>
<p>while you were away:</p>
<ul>{{#items}}<li><a href="{{link}}">{{title}}</a>{{#body}}<br>{{body}}{{/body}}</li>{{/items}}</ul>
<p><a href="{{settings}}">Choose what reaches you by e-mail</a></p>`,
});

/**
 * Mails each person one digest of their unread items that waited `EMAIL_AFTER_MS`, in the
 * categories they get by e-mail, at most hourly, to a verified address only (anyone can type
 * someone else's address when signing up; nobody gets Muster's mail for an account they never
 * confirmed). The mail is enqueued in the transaction that marks the items mailed, so it goes once.
 */
export async function sendEmailDigests(
  platform: Platform,
  now = new Date(),
  batch = PEOPLE,
): Promise<number> {
  const t = notifications;
  const window = and(
    isNull(t.readAt),
    eq(t.listed, true),
    gt(t.count, t.emailedCount),
    lt(t.updatedAt, new Date(now.getTime() - EMAIL_AFTER_MS * (hourMs() / 3_600_000))),
    gt(t.createdAt, new Date(now.getTime() - EMAIL_WITHIN_MS)),
  );
  // Someone who had this hour's digest waits for the next hour; left in the pick, the people with
  // new items since would take every place of every sweep and nobody else would get theirs.
  const c = notificationPushCounts;
  const hadDigest = sql`EXISTS (SELECT 1 FROM ${c} WHERE ${c.userId} = ${t.userId}
    AND ${c.category} = ${DIGEST_CAP} AND ${c.hour} = ${hourOf(now)} AND ${c.count} >= 1)`;
  const people = await platform.db
    .selectDistinct({ userId: t.userId })
    .from(t)
    .where(and(window, sql`NOT ${hadDigest}`))
    .limit(batch);
  let mailed = 0;
  for (const { userId } of people) {
    const sent = await withTx(platform, async (work) => {
      const items = await work.tx
        .select()
        .from(t)
        .where(and(eq(t.userId, userId), window))
        .orderBy(asc(t.createdAt))
        .for('update', { skipLocked: true });
      if (!items.length) return false;
      const [user] = await work.tx
        .select({ email: users.email, name: users.name })
        .from(users)
        .where(and(eq(users.id, userId), isNotNull(users.emailVerifiedAt)));
      const prefs = (await loadPreferences(work.tx, [userId], now)).get(userId);
      const wanted = items.filter(
        (item) =>
          switchesFor(prefs, item.category as NotificationCategory).email && !isMuted(prefs, item.muteScopes),
      );
      const mail = user && wanted.length > 0 && (await takeHourly(work.tx, userId, DIGEST_CAP, 1, now));
      if (wanted.length && user && !mail) return false; // capped: the next hour's digest takes them
      await work.tx
        .update(t)
        .set({ emailedCount: sql`${t.count}` })
        .where(
          inArray(
            t.id,
            items.map((item) => item.id),
          ),
        );
      if (!mail) return false;
      const base = platform.config.publicUrl.replace(/\/$/, '');
      await enqueueMail(work, {
        to: user.email,
        template: digestMail.name,
        data: {
          name: mailSafeText(user.name),
          count: wanted.length,
          settings: `${base}/settings/notifications`,
          items: wanted.slice(0, ITEMS_PER_MAIL).map((item) => ({
            title: mailSafeText(item.title, 140),
            body: item.body ? mailSafeText(item.body, 200) : null,
            link: `${base}${item.url ?? '/inbox'}`,
          })),
        },
      });
      return true;
    });
    if (sent) mailed++;
  }
  return mailed;
}
