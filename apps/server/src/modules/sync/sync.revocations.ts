import type { Change } from '@muster/protocol';
import { entities, parseScope } from '@muster/protocol';
import type { Platform } from '../../platform/context.ts';
import type { AccessChange, SocketAccess } from '../../platform/realtime/gateway.ts';
import { liveFamilies } from '../identity/index.ts';
import { scopeAuthorizer } from './sync.scopes.ts';

/**
 * Records on a person's own `user:<id>` scope that mean their access may have shrunk: an event
 * role or a community membership changed (granted, changed or taken away). A module adding a way
 * to lose access (leaving a community, a ban, a channel membership) records it on the person's
 * scope and lists its entity here; until then the periodic sweep catches it.
 */
const USER_ACCESS_ENTITIES: ReadonlySet<string> = new Set([
  entities.events.roleChanged,
  entities.communities.membershipChanged,
]);

/** Records on `event:<id>` that can change who may see the event (visibility, status). */
const EVENT_ACCESS_ENTITIES: ReadonlySet<string> = new Set([
  entities.events.eventUpdated,
  entities.events.statusChanged,
]);

/**
 * Which committed changes can take access away, and from whom: the realtime gateway hears every
 * change on the bus and re-checks the subscriptions this names with the rules of `sync.scopes.ts`.
 * Kept beside those rules, since a new way to follow a scope is usually a new way to lose it.
 */
export function accessChangeOf(change: Change): AccessChange | null {
  const parsed = parseScope(change.scope);
  if (!parsed) return null;
  const { kind, id } = parsed;
  if (kind === 'user') {
    if (change.entity === entities.identity.sessionRevoked)
      return { kind: 'session', userId: id, familyId: change.id };
    return USER_ACCESS_ENTITIES.has(change.entity) ? { kind: 'user', userId: id } : null;
  }
  if (kind === 'event' && EVENT_ACCESS_ENTITIES.has(change.entity)) {
    const event = (change.data ?? {}) as { visibility?: string; status?: string };
    return {
      kind: 'scopes',
      id: change.scope,
      state: `${event.visibility}/${event.status}`,
      // Event channels follow the event's visibility. Which channel rooms belong to this event is
      // not known here, so every channel room of the node is re-checked: rare (the visibility or
      // status has to actually change) and never more than one sweep.
      matches: (scope) => scope === change.scope || parseScope(scope)?.kind === 'channel',
    };
  }
  return null;
}

/** Everything the realtime gateway keeps applying to its sockets, from the rules sync applies. */
export function socketAccess(platform: Platform): SocketAccess {
  return {
    authorize: scopeAuthorizer(platform),
    accessChangeOf,
    liveSessions: (familyIds) => liveFamilies(platform.db, familyIds),
  };
}
