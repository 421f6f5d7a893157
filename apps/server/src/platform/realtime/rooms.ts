import { parseScope } from '@muster/protocol';

/** A room that is a scope (`kind:<uuid>`), as opposed to the room Socket.IO gives each socket. */
export const isScopeRoom = (room: string): boolean => parseScope(room) !== null;

/** Presence is counted for event scopes only (who is at the event), not for channels or users. */
export const hasPresence = (scope: string): boolean => parseScope(scope)?.kind === 'event';
