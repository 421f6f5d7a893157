import type { Socket } from 'socket.io';
import { endSocket } from './access-keeper.ts';
import { dataOf } from './socket-data.ts';

/** setTimeout's longest delay (~24.8 days); a longer-lived token is simply checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** (Re)arms the socket's expiry: past it, a socket that did not renew through `auth` is closed. */
export function armExpiry(socket: Socket): void {
  const data = dataOf(socket);
  clearTimeout(data.expiryTimer);
  const delay = Math.min(Math.max(0, data.expiresAt - Date.now()), MAX_TIMER_MS);
  data.expiryTimer = setTimeout(() => {
    if (Date.now() >= data.expiresAt) endSocket(socket, 'token_expired');
    else armExpiry(socket);
  }, delay);
  data.expiryTimer.unref();
}
