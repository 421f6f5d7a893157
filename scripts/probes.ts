/**
 * Whether a shared server answers: the test runner's tier detection and the drills' checks. Each
 * probe resolves to undefined when the server answers, or to why it did not; it never throws.
 */
import { Redis } from 'ioredis';
import pg from 'pg';

const PROBE_TIMEOUT_MS = 3000;

/** A server counts as available only if it answers a real query, not merely accepts a TCP connection. */
export async function probePostgres(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Redis counts as available once it answers PING; the error message when it does not. */
export async function probeRedis(url: string): Promise<string | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    redis.disconnect();
  }
}
