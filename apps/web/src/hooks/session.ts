import type { User } from '@muster/protocol';
import { useEffect, useState } from 'react';
import { client } from '../client.ts';

type Listener = (user: User | null) => void;
const listeners = new Set<Listener>();

/** Tells every `useUser` that the signed-in user changed (sign-in, sign-up, sign-out). */
export function announceUser(): void {
  for (const listener of [...listeners]) listener(client.user);
}

client.events.on('signedOut', () => announceUser());
client.events.on('profile', () => announceUser());

/** The signed-in user, or null. */
export function useUser(): User | null {
  const [user, setUser] = useState<User | null>(() => client.user);
  useEffect(() => {
    listeners.add(setUser);
    setUser(client.user);
    return () => void listeners.delete(setUser);
  }, []);
  return user;
}
