import type { Session } from '@muster/protocol';
import type { NotificationRecord } from './tables.ts';

/**
 * Checks of change data that has no protocol schema yet (`Type.Unknown()` in the catalogue), so
 * the reducers narrow it by looking instead of by a cast. The SDK imports no validator (it runs on
 * React Native too and depends on the protocol alone), and these are the only two shapes it needs.
 * A shape names every field of its type (`-?`), so a field added to the type fails `tsc` here.
 */
type Shape<T> = { [K in keyof T]-?: (value: unknown) => boolean };

const isString = (value: unknown) => typeof value === 'string';
const isStringOrNull = (value: unknown) => value === null || typeof value === 'string';
const isStringArray = (value: unknown) => Array.isArray(value) && value.every(isString);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function hasShape<T>(value: unknown, shape: Shape<T>): value is T {
  if (!isRecord(value)) return false;
  for (const [key, check] of Object.entries<(value: unknown) => boolean>(shape))
    if (!check(value[key])) return false;
  return true;
}

const sessionShape: Shape<Session> = {
  id: isString,
  eventId: isString,
  title: isString,
  description: isStringOrNull,
  startsAt: isString,
  endsAt: isString,
  room: isStringOrNull,
  track: isStringOrNull,
  tags: isStringArray,
  speakerIds: isStringArray,
  capacity: (value) => value === null || Number.isInteger(value),
  cancelled: (value) => typeof value === 'boolean',
  updatedAt: isString,
};

const notificationShape: Shape<NotificationRecord> = {
  id: isString,
  category: isString,
  kind: isString,
  title: isString,
  body: isStringOrNull,
  data: () => true,
  createdAt: isString,
  readAt: isStringOrNull,
  url: (value) => value === undefined || isStringOrNull(value),
  groupKey: (value) => value === undefined || isStringOrNull(value),
  count: (value) => value === undefined || (Number.isInteger(value) && (value as number) >= 1),
  updatedAt: (value) => value === undefined || isString(value),
};

/** `session` of an `agenda.sessionChangedForYou` notice, when it is a whole session. */
export function noticedSession(data: unknown): Session | null {
  return isRecord(data) && hasShape<Session>(data.session, sessionShape) ? data.session : null;
}

export const isNotificationRecord = (data: unknown): data is NotificationRecord =>
  hasShape<NotificationRecord>(data, notificationShape);
