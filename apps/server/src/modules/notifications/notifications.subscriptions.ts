import type { PushSubscriptionBody, PushSubscriptionView } from '@muster/protocol';
import { and, count, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AuthedCtx, Platform } from '../../platform/context.ts';
import { withTx } from '../../platform/db/unit-of-work.ts';
import { AppError, ErrorCode, notFound } from '../../platform/errors.ts';
import { pushSubscriptions } from './notifications.tables.ts';

const t = pushSubscriptions;
/** Devices per person: a phone, a tablet, a few browsers. */
export const MAX_DEVICES = 10;
export const SUBSCRIBE_LIMIT = { name: 'push-subscribe', points: 20, durationSeconds: 3600 };
/** While visible the app renews this often; a device silent for longer is pushed to again. */
export const VISIBLE_FOR_MS = 75_000;

const present = (row: typeof t.$inferSelect): PushSubscriptionView => ({
  id: row.id,
  endpoint: row.endpoint,
  createdAt: row.createdAt.toISOString(),
});

/**
 * Saves this device's subscription. An endpoint is one browser profile: posting it again (after a
 * sign-in as someone else on the same device, too) moves it to the caller with the new keys.
 */
export async function subscribe(ctx: AuthedCtx, body: PushSubscriptionBody): Promise<PushSubscriptionView> {
  const me = ctx.actor.userId;
  await ctx.platform.limits.consume(SUBSCRIBE_LIMIT, me);
  return withTx(ctx.platform, async ({ tx }) => {
    const [{ devices } = { devices: 0 }] = await tx
      .select({ devices: count() })
      .from(t)
      .where(eq(t.userId, me));
    const [existing] = await tx.select().from(t).where(eq(t.endpoint, body.endpoint)).for('update');
    if (!existing && Number(devices) >= MAX_DEVICES)
      throw new AppError(
        ErrorCode.limit_reached,
        `At most ${MAX_DEVICES} devices receive pushes; remove one in Settings first`,
      );
    const values = { userId: me, p256dh: body.keys.p256dh, auth: body.keys.auth, visibleUntil: null };
    const [row] = existing
      ? await tx.update(t).set(values).where(eq(t.id, existing.id)).returning()
      : await tx
          .insert(t)
          .values({ id: uuidv7(), endpoint: body.endpoint, ...values })
          .returning();
    return present(row!);
  });
}

export async function unsubscribe(ctx: AuthedCtx, id: string): Promise<void> {
  const removed = await ctx.platform.db
    .delete(t)
    .where(and(eq(t.id, id), eq(t.userId, ctx.actor.userId)))
    .returning({ id: t.id });
  if (!removed.length) throw notFound('Push subscription');
}

/**
 * The socket says whether this device shows the app: a device on screen gets no push (the person
 * sees the inbox live). Only the caller's own subscription can be marked.
 */
export async function setDeviceVisible(
  platform: Platform,
  userId: string,
  subscriptionId: string,
  visible: boolean,
): Promise<void> {
  await platform.db
    .update(t)
    .set({ visibleUntil: visible ? new Date(Date.now() + VISIBLE_FOR_MS) : null })
    .where(and(eq(t.id, subscriptionId), eq(t.userId, userId)));
}
