import type { Platform } from '../../platform/context.ts';
import type { Module } from '../../platform/module.ts';
import { loadVapidKeys } from '../../platform/push/vapid.ts';
import { createPushSender } from '../../platform/push/web-push.ts';
import { deliveryJob } from './notifications.deliver.ts';
import { sendEmailDigests } from './notifications.email.ts';
import { hourMs, setNotifyTimeScale } from './notifications.policy.ts';
import { type PushSweep, startPushSweep } from './notifications.push.ts';
import { notificationRoutes } from './notifications.routes.ts';
import { notificationSocket } from './notifications.socket.ts';

export { markGroupRead } from './notifications.inbox.ts';
export {
  type Audience,
  type NotificationIntent,
  raiseNotifications,
  registerAudience,
  registerSeenCheck,
} from './notifications.intents.ts';
export type { NotificationPriority } from './notifications.policy.ts';
export { notifications } from './notifications.tables.ts';

/** How often a worker node mails digests that are due. */
const DIGEST_EVERY_MS = 60_000;

/** Per node: the push sweep and the digest timer, started on worker nodes only. */
const sweeps = new WeakMap<Platform, { push: PushSweep; digest: NodeJS.Timeout }>();

/**
 * The one notification pipeline (PRODUCT E1–E5): modules raise intents in their transactions
 * (`raiseNotifications`); the `notifications.deliver` job makes inbox items; worker nodes sweep due
 * pushes and mail digests.
 */
export const notificationsModule: Module = {
  name: 'notifications',
  routes: notificationRoutes,
  socket: (gateway) => notificationSocket(gateway),
  jobs: (platform) => [deliveryJob(platform, () => sweeps.get(platform)?.push.wake())],
  start(platform) {
    setNotifyTimeScale(platform.config.notifyTimeScale);
    if (!platform.config.roles.has('worker')) return;
    const push = startPushSweep(
      platform,
      createPushSender(() => loadVapidKeys(platform.config, platform.db)),
    );
    const digest = setInterval(
      () => {
        sendEmailDigests(platform).catch((error) =>
          platform.log.error({ err: error }, 'e-mail digests failed'),
        );
      },
      Math.min(DIGEST_EVERY_MS, hourMs() / 60),
    );
    digest.unref();
    sweeps.set(platform, { push, digest });
  },
  async stop(platform) {
    const running = sweeps.get(platform);
    if (!running) return;
    clearInterval(running.digest);
    await running.push.stop();
    sweeps.delete(platform);
  },
};

/** Tests and benches: run one push sweep now on this node (answers the pushes sent). */
export async function sweepPushesNow(platform: Platform): Promise<number> {
  const running = sweeps.get(platform);
  if (!running) throw new Error('the push sweep runs on worker nodes only');
  return running.push.runOnce();
}
