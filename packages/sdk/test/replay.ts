import type { Parameters } from 'fast-check';

/**
 * Replays one failing case of a property test: fast-check prints `{ seed, path }` when a property
 * fails; run the file again with `FC_SEED=<seed> FC_PATH=<path> npm test -- <file>` to get the same
 * (shrunk) case, as many times as a fix needs. Without the variables the run is random, as in CI.
 */
export function replayFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<Parameters, 'seed' | 'path'> {
  const seed = env.FC_SEED?.trim();
  if (!seed) return {};
  const parsed = Number(seed);
  if (!Number.isSafeInteger(parsed)) throw new Error(`FC_SEED must be an integer, got ${seed}`);
  const path = env.FC_PATH?.trim();
  return path ? { seed: parsed, path } : { seed: parsed };
}
