import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createRateLimits } from './auth/rate-limiter.ts';
import { createTokenService } from './auth/tokens.ts';
import { markBoot } from './boot-timings.ts';
import { type Bus, createMemoryBus } from './bus/bus.ts';
import { createRedisBus } from './bus/redis-bus.ts';
import { createPublisher } from './changes/publisher.ts';
import type { Platform } from './context.ts';
import { makePrivate, securePrivateDir } from './data-dir.ts';
import { type Database, openPglite, openPostgres } from './db/client.ts';
import { lockDataDir } from './db/lock.ts';
import { migrate } from './db/migrate.ts';
import { createJobs } from './jobs/jobs.ts';
import { createMailer } from './mail/mailer.ts';
import { createMetrics } from './metrics.ts';
import { loadOrCreateSecret } from './secrets.ts';

export interface OpenedPlatform {
  platform: Platform;
  /** True when the embedded database was created by this start (first run). */
  freshDatabase: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Tests hand in a database they prepared; it is closed with the platform. */
  database?: Database;
  monitorIntervalSeconds?: number;
}

/** Whether `dataDir` holds an embedded database already (else the next start creates one). */
export function embeddedDatabaseExists(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'));
}

/** Opens every piece of infrastructure in dependency order and migrates the database. */
export async function openPlatform(
  config: Config,
  log: Logger,
  options: OpenOptions = {},
): Promise<OpenedPlatform> {
  const releases: (() => Promise<void> | void)[] = [];
  try {
    let database = options.database;
    let freshDatabase = false;
    let jwtSecret = config.jwtSecret;
    if (!database) {
      if (config.databaseUrl) {
        if (!jwtSecret)
          throw new Error('JWT_SECRET must be set when DATABASE_URL is set (all nodes must share it)');
        database = await openPostgres({ url: config.databaseUrl, readUrl: config.databaseReadUrl });
      } else {
        securePrivateDir(config.dataDir, log);
        releases.push(lockDataDir(config.dataDir));
        // Before the database opens: a bad secret file should stop the boot in milliseconds.
        jwtSecret ??= loadOrCreateSecret(config.dataDir, 'jwt-secret');
        freshDatabase = !embeddedDatabaseExists(config.dataDir);
        database = await openPglite(path.join(config.dataDir, 'pgdata'));
        makePrivate(config.dataDir);
      }
      markBoot('open the database');
    }
    const db = database;
    releases.push(() => db.close());
    jwtSecret ??= loadOrCreateSecret(config.dataDir, 'jwt-secret');
    const { applied } = await migrate(database);
    markBoot('migrations', applied ? `${applied} applied` : 'none to apply');

    // Loaded only where Redis is configured: a laptop's start does not pay for the client.
    const redis = config.redisUrl
      ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true })
      : undefined;
    if (redis) {
      redis.on('error', (error) => log.warn({ err: error }, 'redis error'));
      await redis.connect();
      releases.push(() =>
        redis
          .quit()
          .then(() => {})
          .catch(() => redis.disconnect()),
      );
    }
    const bus: Bus = config.redisUrl
      ? await createRedisBus(config.redisUrl, (error) => log.warn({ err: error }, 'redis bus error'))
      : createMemoryBus();
    releases.push(() => bus.close());
    // Before the job queue, so that it closes after it: a job still finishing may be sending mail.
    const mail = createMailer(config, log);
    releases.push(() => mail.close());
    // Without an explicit monitor interval, createJobs derives one from the visibility timeout.
    const jobs = await createJobs(database, log, {
      ...(options.monitorIntervalSeconds ? { monitorIntervalSeconds: options.monitorIntervalSeconds } : {}),
      defaults: {
        visibilityTimeoutSeconds: config.queueVisibilityTimeoutSeconds,
        maxReceives: config.queueMaxReceives,
      },
    });
    releases.push(() => jobs.stop());
    markBoot('redis, bus, mail, job queue');
    const publisher = createPublisher(database.db, bus, log);
    releases.push(() => publisher.stop());

    const platform: Platform = {
      config,
      log,
      database,
      db: database.db,
      readDb: database.kind === 'postgres' ? database.readDb : database.db,
      bus,
      publisher,
      jobs,
      tokens: createTokenService(jwtSecret),
      limits: createRateLimits(redis),
      metrics: createMetrics(),
      redis,
      mail,
    };
    return {
      platform,
      freshDatabase,
      close: async () => {
        for (const release of releases.reverse()) await release();
      },
    };
  } catch (error) {
    for (const release of releases.reverse()) await Promise.resolve(release()).catch(() => {});
    throw error;
  }
}
