import { useEffect } from 'react';
import { announcePushDevice } from '../lib/push.ts';

/** Names this device's push subscription to the live connection, so it gets no push while on screen. */
export function PushDevice() {
  useEffect(() => announcePushDevice(), []);
  return null;
}
