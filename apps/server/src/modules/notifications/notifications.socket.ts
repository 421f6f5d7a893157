import { DeviceVisibility } from '@muster/protocol';
import type { Gateway } from '../../platform/realtime/gateway.ts';
import { setDeviceVisible } from './notifications.subscriptions.ts';

/**
 * `device.visibility`: the app tells whether it is on screen on this device (and renews it while it
 * is). A visible device gets no push; hidden or silent past `VISIBLE_FOR_MS`, it gets them again.
 */
export function notificationSocket(gateway: Gateway) {
  gateway.handle<DeviceVisibility>({
    event: 'device.visibility',
    schema: DeviceVisibility,
    async handle(ctx, payload) {
      if (payload.pushSubscriptionId)
        await setDeviceVisible(ctx.platform, ctx.actor.userId, payload.pushSubscriptionId, payload.visible);
      return {};
    },
  });
}
