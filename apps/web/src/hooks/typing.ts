import { useCallback, useEffect, useRef, useState } from 'react';
import { client } from '../client.ts';

const SHOW_FOR_MS = 4000;
const SEND_EVERY_MS = 2500;

/**
 * Typing indicators of one channel: who else is typing (each shown for a few seconds after their
 * last signal), and `typed()` to tell the others, at most every few seconds. Typing is ephemeral:
 * it goes over the socket only and is never stored or queued.
 */
export function useTyping(channelId: string): { typists: string[]; typed: () => void } {
  const [typists, setTypists] = useState<Record<string, number>>({});
  const lastSent = useRef(0);
  useEffect(() => {
    const me = client.user?.id;
    const off = client.events.on('typing', (event) => {
      if (event.channelId !== channelId || event.userId === me) return;
      setTypists((current) => ({ ...current, [event.userId]: Date.now() + SHOW_FOR_MS }));
    });
    const sweep = window.setInterval(() => {
      setTypists((current) => {
        const now = Date.now();
        const kept = Object.entries(current).filter(([, until]) => until > now);
        return kept.length === Object.keys(current).length ? current : Object.fromEntries(kept);
      });
    }, 1000);
    return () => {
      off();
      window.clearInterval(sweep);
    };
  }, [channelId]);
  const typed = useCallback(() => {
    const now = Date.now();
    if (now - lastSent.current < SEND_EVERY_MS) return;
    lastSent.current = now;
    client.typing(channelId);
  }, [channelId]);
  return { typists: Object.keys(typists), typed };
}
