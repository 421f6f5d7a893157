import { type CommunityRole, type Event, scopes } from '@muster/protocol';
import { MusterApiError } from '@muster/sdk';
import { useEffect, useState } from 'react';
import { client } from '../client.ts';
import { rememberNames } from '../lib/names.ts';
import { useOnline, useSelect } from './store.ts';

const COMMUNITY_ROLES = 'muster:community-roles';
const MAX_COMMUNITIES_NAMED = 20;
let communityRoles: Record<string, CommunityRole | null> = readRoles();
let rolesLoaded: Promise<void> | null = null;

function readRoles(): Record<string, CommunityRole | null> {
  try {
    return JSON.parse(localStorage.getItem(COMMUNITY_ROLES) ?? '{}') as Record<string, CommunityRole | null>;
  } catch {
    return {};
  }
}

/** My role in each of my communities, read once per app start (kept for offline use). */
export function loadCommunityRoles(): Promise<void> {
  rolesLoaded ??= client.api.me
    .communities({ limit: 200 })
    .then(async (page) => {
      communityRoles = Object.fromEntries(page.items.map((c) => [c.id, c.myRole]));
      localStorage.setItem(COMMUNITY_ROLES, JSON.stringify(communityRoles));
      // Members' names, so messages from people in my communities show who wrote them.
      for (const community of page.items.slice(0, MAX_COMMUNITIES_NAMED)) {
        const members = await client.api.communities.members(community.id, { limit: 500 });
        rememberNames(members.items);
      }
    })
    .catch(() => {
      rolesLoaded = null;
    });
  return rolesLoaded;
}

/**
 * The event from the local store, following it (agenda, channels, live changes) once the server
 * confirms the caller may see it, so a missing or hidden event never becomes a followed scope.
 */
export function useEvent(eventId: string): { event: Event | undefined; missing: boolean } {
  const event = useSelect((t) => t.events[eventId], [eventId]);
  const online = useOnline();
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    const scope = scopes.event(eventId);
    if (!eventId || client.store.followed().includes(scope)) return;
    if (!online) return;
    let cancelled = false;
    client.api.events
      .get(eventId)
      .then(() => (cancelled ? undefined : client.follow(scope)))
      .catch((error: unknown) => {
        if (!cancelled && error instanceof MusterApiError && (error.status === 404 || error.status === 400))
          setMissing(true);
      });
    return () => {
      cancelled = true;
    };
  }, [eventId, online]);
  return { event, missing };
}

/** Organisers of the event and admins of its community run it (the server's rule, for showing controls). */
export function useCanManage(event: Event | undefined): boolean {
  const role = useSelect((t) => (event ? t.roles[event.id]?.role : undefined), [event?.id]);
  const [, setLoaded] = useState(0);
  useEffect(() => {
    void loadCommunityRoles().then(() => setLoaded((n) => n + 1));
  }, []);
  if (!event) return false;
  const communityRole = communityRoles[event.communityId];
  return role === 'organiser' || communityRole === 'owner' || communityRole === 'admin';
}

/** Staff may also post announcements and see attendees. */
export function useIsStaff(event: Event | undefined): boolean {
  const manager = useCanManage(event);
  const role = useSelect((t) => (event ? t.roles[event.id]?.role : undefined), [event?.id]);
  return manager || role === 'staff';
}

/** Whoever scans at the door: staff and volunteers (the server's `isEventScanner`). */
export function useIsScanner(event: Event | undefined): boolean {
  const staff = useIsStaff(event);
  const role = useSelect((t) => (event ? t.roles[event.id]?.role : undefined), [event?.id]);
  return staff || role === 'volunteer';
}

/** After creating a community or an event: read the roles again. */
export function refreshCommunityRoles(): Promise<void> {
  rolesLoaded = null;
  return loadCommunityRoles();
}
