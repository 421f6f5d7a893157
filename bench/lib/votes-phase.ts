/**
 * One system's run of the `votes` benchmark: the audience connects and follows the session, the
 * presenter opens the poll, the audience follows its results, every voter votes once over the
 * duration (open loop), then the presenter's socket is watched until its counts equal the exact
 * expected counts (bounded), the pushes are counted once they stop, and the results are read back.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Child, forkChild } from './child.ts';
import type { Cleanup } from './cleanup.ts';
import type { ConnectOutcome } from './connect.ts';
import type { CpuBreakdown } from './cpuprofile.ts';
import type { HistogramJson } from './histogram.ts';
import type { AudienceJob, Collected, Counts, VoteJob, VoteResult, VotesMode } from './votes-protocol.ts';
import type { VotesSystem } from './votes-systems.ts';

const CONNECT_CONCURRENCY = 100;
const SETTLE_MS = 1000;
/** How long after the last ack the presenter may take before the run gives up on it. */
export const GIVE_UP_MS = 60_000;
/** Pushes have stopped when none came for this long. */
const QUIET_MS = 1500;
/** The presenter is given up on when nothing came for this long after the last ack (Muster pushes every 250 ms while counts move). */
const PRESENTER_QUIET_MS = 5000;

export interface VotesParams {
  durationMs: number;
  connections: number;
}

export interface PhaseResult {
  mode: VotesMode;
  n: number;
  connected: number;
  followed: number;
  votes: Omit<VoteResult, 'ack' | 'sendLag'> & { ack: HistogramJson; sendLag: HistogramJson };
  /** ms from the last vote's ack to the presenter's first record equal to the expected counts (undefined: never, within GIVE_UP_MS). */
  presenterBehindMs: number | undefined;
  presenterLast: Counts | undefined;
  /** ms from the last vote's ack to the presenter's last record (its final state, exact or not). */
  presenterFinalMs: number | undefined;
  presenterRecords: number;
  audience: Collected;
  final: Counts;
  notes: string[];
  /** With `--cpu-prof`: where the server's main thread spent the voting (first vote → last ack). */
  cpu?: CpuBreakdown;
}

/** Every voter picks an option: 40 / 30 / 20 / 10 % over the four, so exact counts are all different. */
export function choiceOf(i: number, optionIds: string[]): string {
  const slot = i % 10;
  return optionIds[slot < 4 ? 0 : slot < 7 ? 1 : slot < 9 ? 2 : 3]!;
}

function fork(label: string, cleanup: Cleanup): Child {
  const child = forkChild(path.join(import.meta.dirname, 'votes-load.ts'));
  cleanup.add(`stop the ${label}`, () => child.kill());
  return child;
}

export async function runPhase(
  system: VotesSystem,
  params: VotesParams,
  cleanup: Cleanup,
): Promise<PhaseResult> {
  const n = system.voteTokens.length;
  const label = system.mode;
  const audience = fork(`${label} audience`, cleanup);
  const voters = fork(`${label} voters`, cleanup);
  const connected = await audience.request<Omit<ConnectOutcome<unknown>, 'clients'>>(
    'connect',
    {
      mode: system.mode,
      url: system.url,
      sessionId: system.sessionId,
      tokens: system.socketTokens,
      ...(system.userIds ? { userIds: system.userIds } : {}),
      concurrency: CONNECT_CONCURRENCY,
    } satisfies AudienceJob,
    600_000,
  );
  console.log(
    `${label}: ${connected.connected}/${n} audience sockets connected in ${(connected.ms / 1000).toFixed(1)} s` +
      (connected.failed ? ` (${connected.errors[0]})` : ''),
  );
  const { pollId, optionIds } = await system.openPoll();
  const followed = await audience.request<{ sawOpen: number; followed: number; errors?: string[] }>(
    'follow',
    { pollId, concurrency: CONNECT_CONCURRENCY, waitMs: 15_000 },
    600_000,
  );
  await system.presenter.follow(pollId);
  console.log(
    `${label}: poll opened; ${followed.sawOpen} saw it open, ${followed.followed} follow its results` +
      (followed.errors?.length ? ` (${followed.errors[0]})` : ''),
  );
  await sleep(SETTLE_MS);
  await audience.request('arm');
  system.presenter.arm();

  console.log(`${label}: ${n} votes over ${params.durationMs / 1000} s…`);
  const votes = await voters.request<VoteResult>(
    'vote',
    {
      url: system.url,
      pollId,
      tokens: system.voteTokens,
      choices: system.voteTokens.map((_, i) => choiceOf(i, optionIds)),
      durationMs: params.durationMs,
      connections: params.connections,
    } satisfies VoteJob,
    params.durationMs + 10 * 60_000,
  );
  const exactAt = await system.presenter.exactAt(
    votes.expected,
    votes.lastAckAt,
    votes.lastAckAt + GIVE_UP_MS,
    PRESENTER_QUIET_MS,
  );
  const collected = await audience.request<Collected>(
    'collect',
    { expected: votes.expected, quietMs: QUIET_MS, timeoutMs: GIVE_UP_MS },
    GIVE_UP_MS + 60_000,
  );
  const final = await system.finalCounts(pollId);
  await audience.request('close', {}, 60_000);
  audience.kill();
  voters.kill();
  return {
    mode: system.mode,
    n,
    connected: connected.connected,
    followed: followed.followed,
    votes,
    presenterBehindMs: exactAt === undefined ? undefined : exactAt - votes.lastAckAt,
    presenterLast: system.presenter.last,
    presenterFinalMs:
      system.presenter.lastAt === undefined ? undefined : system.presenter.lastAt - votes.lastAckAt,
    presenterRecords: system.presenter.records.length,
    audience: collected,
    final,
    notes: system.notes,
  };
}
