import { DeviceVisibility } from '@muster/protocol';
import type { Socket } from 'socket.io';
import type { Gateway } from '../../platform/realtime/gateway.ts';
import { setDeviceVisible } from './notifications.subscriptions.ts';

/** The devices each socket said are on screen: they stop being so when it goes. */
const shownBy = new WeakMap<Socket, Set<string>>();

/**
 * `device.visibility`: the app tells whether it is on screen on this device (and renews it while it
 * is). A visible device gets no push; hidden, silent past `VISIBLE_FOR_MS`, or once the socket that
 * said so is gone (the phone lost the venue's Wi-Fi, the app was killed), it gets them again — a
 * socket that is not live shows nothing, and what it would have hidden must not be lost.
 */
export function notificationSocket(gateway: Gateway) {
  gateway.handle<DeviceVisibility>({
    event: 'device.visibility',
    schema: DeviceVisibility,
    async handle(ctx, payload, socket) {
      const device = payload.pushSubscriptionId;
      if (!device) return {};
      await setDeviceVisible(ctx.platform, ctx.actor.userId, device, payload.visible);
      let shown = shownBy.get(socket);
      if (!shown) {
        const devices = new Set<string>();
        shown = devices;
        shownBy.set(socket, devices);
        socket.once('disconnect', () => {
          for (const id of devices)
            setDeviceVisible(ctx.platform, ctx.actor.userId, id, false).catch((error) =>
              ctx.platform.log.warn({ err: error }, 'could not mark a device hidden after its socket closed'),
            );
        });
      }
      if (payload.visible) shown.add(device);
      else shown.delete(device);
      return {};
    },
  });
}
