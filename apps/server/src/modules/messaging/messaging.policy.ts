import type { ChannelKind, CommunityRole, EventRole } from '@muster/protocol';
import { canViewEvent, type EventAccess, isEventManager, isEventStaff } from '../events/index.ts';

/**
 * Who may do what in a channel, as pure functions. Event channels follow the caller's relation to
 * the event (`EventAccess`, null when the event is gone); DMs and groups follow membership only.
 */
export interface ChannelFacts {
  kind: ChannelKind;
  /** The caller's access to the channel's event; null for DMs and groups. */
  event: EventAccess | null;
  /** A member row of a DM or group (ignored for event channels). */
  isMember: boolean;
  /** A DM whose two members have a block between them, either way: the history stays readable. */
  blocked?: boolean;
}

const STAFF_CHANNEL_ROLES: ReadonlySet<EventRole> = new Set(['organiser', 'staff', 'volunteer']);
const VENDOR_CHANNEL_ROLES: ReadonlySet<EventRole> = new Set(['vendor', 'sponsor']);

/**
 * The roles that can open a staff or vendors channel to someone: everyone who may read one holds
 * one of these (the exact decision is still `canReadChannel`). Used to find a new channel's readers.
 */
export function restrictedChannelRoles(kind: 'staff' | 'vendors'): {
  eventRoles: EventRole[];
  communityRoles: CommunityRole[];
} {
  const eventRoles: EventRole[] =
    kind === 'staff' ? [...STAFF_CHANNEL_ROLES] : [...VENDOR_CHANNEL_ROLES, 'organiser', 'staff'];
  return { eventRoles, communityRoles: ['owner', 'admin'] };
}

export const isPrivateKind = (kind: ChannelKind) => kind === 'dm' || kind === 'group';

/** The staff channel: organisers, staff, volunteers, and the community's owners and admins. */
const inStaffChannel = (a: EventAccess) =>
  (a.eventRole !== null && STAFF_CHANNEL_ROLES.has(a.eventRole)) || isEventManager(a);

/** The vendors channel: vendors and sponsors, plus the event's staff who look after them. */
const inVendorsChannel = (a: EventAccess) =>
  (a.eventRole !== null && VENDOR_CHANNEL_ROLES.has(a.eventRole)) || isEventStaff(a);

export function canReadChannel(c: ChannelFacts): boolean {
  if (isPrivateKind(c.kind)) return c.isMember;
  const a = c.event;
  if (!a || a.userId === null || !canViewEvent(a)) return false;
  switch (c.kind) {
    case 'staff':
      return inStaffChannel(a);
    case 'vendors':
      return inVendorsChannel(a);
    default:
      return true;
  }
}

/**
 * Reading is the precondition of posting. Announcements are posted by staff only; an archived
 * event's channels are read-only (the conversation is over, the record stays); so is a DM once
 * either person has blocked the other.
 */
export function canPostInChannel(c: ChannelFacts): boolean {
  if (!canReadChannel(c)) return false;
  if (isPrivateKind(c.kind)) return !(c.kind === 'dm' && c.blocked);
  const a = c.event!;
  if (a.event.status === 'archived') return false;
  return c.kind === 'announcements' ? isEventStaff(a) : true;
}

/** Event staff moderate event channels (delete anyone's message); nobody moderates a private chat. */
export const canModerateChannel = (c: ChannelFacts) =>
  !isPrivateKind(c.kind) && canReadChannel(c) && isEventStaff(c.event!);

/** Organisers and community admins open channels in their event. */
export const canCreateEventChannel = isEventManager;

/** Which event channel kinds a caller may read, for listing an event's channels in one query. */
export function readableEventKinds(a: EventAccess): ChannelKind[] {
  const kinds: ChannelKind[] = ['announcements', 'topic', 'session', 'staff', 'vendors'];
  return kinds.filter((kind) => canReadChannel({ kind, event: a, isMember: false }));
}
