import type { Logger } from 'pino';
import type { AccessKeeper } from './access-keeper.ts';

/**
 * The periodic safety net behind the keeper's re-checks on access changes: every scope and
 * session on this node checked again. One sweep at a time: on a node with many sockets a sweep may
 * outlast a short interval. Returns the stop.
 */
export function startAccessSweep(
  keeper: Pick<AccessKeeper, 'sweep'>,
  intervalMs: number,
  log: Logger,
): () => void {
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    keeper
      .sweep()
      .catch((error: unknown) => log.warn({ err: error }, 'access sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, intervalMs);
  sweeper.unref();
  return () => clearInterval(sweeper);
}
