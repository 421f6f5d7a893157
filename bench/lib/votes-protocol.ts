/**
 * What the `votes` coordinator (bench/votes.ts) and its load processes (bench/lib/votes-load.ts)
 * send each other, and how a push is read: the full counts it carries, compared with the expected.
 */
import { entities, scopes } from '@muster/protocol';
import type { HistogramJson } from './histogram.ts';
import type { PeerPoll } from './votes-peer.ts';

export type VotesMode = 'muster' | 'claper';
export type Counts = Record<string, number>;

export interface AudienceJob {
  mode: VotesMode;
  url: string;
  sessionId: string;
  /** Muster: one token per client (the voter's own); the peer's clients carry none. */
  tokens: (string | undefined)[];
  /** Muster: each client's user, whose `user:<id>` it also follows (as the app does: own ballots, notes). */
  userIds?: string[];
  concurrency: number;
}

export interface VoteJob {
  url: string;
  pollId: string;
  /** Voter i's bearer token and the option it picks. */
  tokens: string[];
  choices: string[];
  durationMs: number;
  connections: number;
}

export interface VoteResult {
  sent: number;
  acked: number;
  errors: Record<string, number>;
  ack: HistogramJson;
  /** Scheduler lateness: actual send − planned send. */
  sendLag: HistogramJson;
  /** Acknowledged votes per option: what the results must say. */
  expected: Counts;
  firstSentAt: number;
  lastAckAt: number;
  elu: number;
}

export interface Collected {
  /** Pushes about the poll (results, poll changes, own ballots) received by all clients since `arm`. */
  frames: number;
  /** Of those, Muster's echoes of each voter's own ballot (`polls.ballotSaved` on `user:<id>`). */
  ballotFrames: number;
  lastFrameAt: number;
  /** Clients whose last record equals `expected`; clients that got any record. */
  exact: number;
  withRecord: number;
  disconnects: number;
  elu: number;
  timedOut: boolean;
}

/** The full counts a push carries (Muster's results record, the peer's whole poll). */
export function countsOf(m: VotesMode, payload: unknown, poll: string): Counts | undefined {
  if (m === 'claper') {
    const p = payload as PeerPoll;
    if (p.id !== poll) return undefined;
    return Object.fromEntries(p.options.map((o) => [o.id, o.voteCount]));
  }
  const change = payload as { scope?: string; entity?: string; data?: { counts?: Counts } };
  if (change.scope !== scopes.poll(poll) || change.entity !== entities.polls.resultsChanged) return undefined;
  return change.data?.counts;
}

/** Equal when every option with votes on either side has the same count (absent = 0). */
export function sameCounts(a: Counts | undefined, b: Counts): boolean {
  if (!a) return false;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
    if ((a[key] ?? 0) !== (b[key] ?? 0)) return false;
  return true;
}
