import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { RateLimits } from './auth/rate-limiter.ts';
import type { TokenService } from './auth/tokens.ts';
import type { Bus } from './bus/bus.ts';
import type { Publisher } from './changes/publisher.ts';
import type { Database, Db } from './db/client.ts';
import type { Jobs } from './jobs/jobs.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Metrics } from './metrics.ts';

/** Infrastructure every service may use; built once per process by `runtime.ts`. */
export interface Platform {
  config: Config;
  log: Logger;
  database: Database;
  db: Db;
  /** Read replica when configured (CQRS read side); the primary otherwise. */
  readDb: Db;
  bus: Bus;
  publisher: Publisher;
  jobs: Jobs;
  tokens: TokenService;
  limits: RateLimits;
  metrics: Metrics;
  redis: Redis | undefined;
  /** Sends rendered mail (SMTP or the dev mailbox); services enqueue with `enqueueMail` instead. */
  mail: Mailer;
}

export interface Actor {
  userId: string;
  familyId: string;
}

/** Per-call context handed to every use case. */
export interface Ctx {
  platform: Platform;
  actor: Actor | null;
  requestId: string;
}

export type AuthedCtx = Ctx & { actor: Actor };
