import { type Static, Type } from 'typebox';
import { Timestamp } from './common.ts';

/** Queue names are `<module>.<verb>`; their dead-letter queues are `<name>.dead`. */
export const QueueName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z][A-Za-z0-9_.-]*$' });

export const QueueParams = Type.Object({ name: QueueName });
export type QueueParams = Static<typeof QueueParams>;

export const DeadJobParams = Type.Object({ name: QueueName, jobId: Type.String({ format: 'uuid' }) });
export type DeadJobParams = Static<typeof DeadJobParams>;

/**
 * A queue at this moment: `depth` jobs wait (created or waiting out a retry backoff), `inFlight`
 * are leased by a worker, `oldestAgeSeconds` is the age of the oldest job not yet finished (0 when
 * none), `dead` jobs wait in its dead-letter queue for a replay.
 */
export const QueueInfo = Type.Object({
  name: Type.String(),
  depth: Type.Integer({ minimum: 0 }),
  inFlight: Type.Integer({ minimum: 0 }),
  oldestAgeSeconds: Type.Number({ minimum: 0 }),
  dead: Type.Integer({ minimum: 0 }),
  visibilityTimeoutSeconds: Type.Integer({ minimum: 1 }),
  maxReceives: Type.Integer({ minimum: 1 }),
});
export type QueueInfo = Static<typeof QueueInfo>;

/** A job in a dead-letter queue: what it carried, how often it was received and its last error. */
export const DeadJob = Type.Object({
  id: Type.String(),
  queue: Type.String(),
  data: Type.Unknown(),
  receives: Type.Integer({ minimum: 0 }),
  error: Type.Unknown(),
  originalJobId: Type.Union([Type.String(), Type.Null()]),
  enqueuedAt: Type.Union([Timestamp, Type.Null()]),
  deadAt: Timestamp,
});
export type DeadJob = Static<typeof DeadJob>;

export const DeadJobQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
export type DeadJobQuery = Static<typeof DeadJobQuery>;

/** A replayed job goes back to its source queue as a new job with a fresh receive count. */
export const ReplayResult = Type.Object({ replayed: Type.Literal(true), queue: Type.String() });
export type ReplayResult = Static<typeof ReplayResult>;
