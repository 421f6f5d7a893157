import type { Tx } from '../db/client.ts';
import { processedJobs } from './processed-jobs.tables.ts';

/**
 * Claims `key` inside the handler's transaction: true the first time, false on any redelivery.
 * Because the claim commits with the handler's effects, a crash before commit leaves it unclaimed
 * and the retry does the whole work — exactly once in effect.
 */
export async function claimOnce(tx: Tx, key: string): Promise<boolean> {
  const rows = await tx
    .insert(processedJobs)
    .values({ key })
    .onConflictDoNothing()
    .returning({ key: processedJobs.key });
  return rows.length === 1;
}
