import { client } from '../client.ts';

const STORED = 'muster.pushSubscriptionId';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

/** Whether this browser can receive pushes, and whether it does for this account. */
export function pushState(): PushState {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
    return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return localStorage.getItem(STORED) ? 'on' : 'off';
}

const keyBytes = (base64url: string) => {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
};

/**
 * Asks the browser for permission (only after the person pressed the button: a prompt on load is
 * what makes people block notifications for good), subscribes with the server's VAPID key and
 * registers the subscription for this account. Answers the new state.
 */
export async function enablePush(): Promise<PushState> {
  if (pushState() === 'unsupported') return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const registration = await navigator.serviceWorker.ready;
  const { publicKey } = await client.api.notifications.vapidKey();
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(publicKey),
    }));
  const json = subscription.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
  const saved = await client.api.notifications.subscribe({ endpoint: json.endpoint, keys: json.keys });
  localStorage.setItem(STORED, saved.id);
  client.setPushDevice(saved.id);
  return 'on';
}

export async function disablePush(): Promise<PushState> {
  const id = localStorage.getItem(STORED);
  localStorage.removeItem(STORED);
  client.setPushDevice(null);
  if (id) await client.api.notifications.unsubscribe(id).catch(() => undefined);
  const registration = await navigator.serviceWorker.getRegistration();
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
  return pushState();
}

/** At start: the socket tells the server this device is on screen, so it pushes elsewhere only. */
export function announcePushDevice(): void {
  const id = localStorage.getItem(STORED);
  if (id) client.setPushDevice(id);
}
