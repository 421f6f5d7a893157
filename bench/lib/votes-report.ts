/**
 * The `votes` report: one row per system, the targets of QUALITY.md checked for Muster, the JSON in
 * bench/results. Pushes per vote = pushes about the poll received by every socket (the audience
 * and the presenter) ÷ acknowledged votes. When the peer ran with fewer voters than Muster, its
 * pushes per vote at Muster's N are extrapolated (its design sends every vote to every socket, so
 * they grow with N) and labelled so; when it did not run, Claper's design gives N + 1.
 */
import { printBreakdown } from './cpuprofile.ts';
import { Histogram } from './histogram.ts';
import { printTable, type Row, verdict, writeResult } from './results.ts';
import { ms } from './stats.ts';
import type { PhaseResult } from './votes-phase.ts';
import type { Counts } from './votes-protocol.ts';

export const TARGETS = { ackP99Ms: 250, presenterBehindMs: 1000, pushRatio: 1 / 100 };

export interface ReportParams {
  n: number;
  peerN: number;
  durationMs: number;
  db: string;
  limitNote: string;
}

/** Votes missing from `got` against `expected` (per option, never offset by extra votes elsewhere). */
export function lostVotes(expected: Counts, got: Counts | undefined): number {
  let lost = 0;
  for (const [option, n] of Object.entries(expected)) lost += Math.max(0, n - (got?.[option] ?? 0));
  return lost;
}

/** Votes in `got` beyond `expected` (a count that moved without an acknowledged vote). */
export function extraVotes(expected: Counts, got: Counts | undefined): number {
  let extra = 0;
  for (const [option, n] of Object.entries(got ?? {})) extra += Math.max(0, n - (expected[option] ?? 0));
  return extra;
}

const pushesOf = (r: PhaseResult) => r.audience.frames + r.presenterRecords;
const perVote = (r: PhaseResult) => (r.votes.acked ? pushesOf(r) / r.votes.acked : Number.NaN);

function row(r: PhaseResult): Row {
  const ack = new Histogram().merge(r.votes.ack).summary();
  const lag = new Histogram().merge(r.votes.sendLag).summary();
  const errors = Object.values(r.votes.errors).reduce((a, b) => a + b, 0);
  return {
    system: r.mode === 'muster' ? 'Muster' : 'Claper design',
    voters: r.n,
    acked: `${r.votes.acked}/${r.votes.sent}`,
    errors,
    'ack p50': ms(ack.p50),
    'ack p99': ms(ack.p99),
    'presenter exact after last ack':
      r.presenterBehindMs === undefined ? 'never (gave up)' : ms(r.presenterBehindMs),
    'presenter final after last ack': r.presenterFinalMs === undefined ? 'none' : ms(r.presenterFinalMs),
    pushes: pushesOf(r),
    'of which own ballots': r.audience.ballotFrames,
    'pushes/vote': perVote(r).toFixed(2),
    'lost (final)': lostVotes(r.votes.expected, r.final),
    'lost (presenter)': lostVotes(r.votes.expected, r.presenterLast),
    extra: extraVotes(r.votes.expected, r.final),
    'clients exact': `${r.audience.exact}/${r.connected}`,
    'send lag p99': ms(lag.p99),
    'load ELU': `${Math.round(r.audience.elu * 100)} %`,
  };
}

/** The peer's pushes per vote at Muster's N, and how that figure was obtained. */
function peerPerVoteAt(n: number, peer: PhaseResult | undefined): { value: number; how: string } {
  if (!peer)
    return {
      value: n + 1,
      how: "analytic (the peer did not run): Claper's design sends each vote to all N + 1 sockets",
    };
  if (peer.n === n) return { value: perVote(peer), how: 'measured in this run' };
  return {
    value: (perVote(peer) * (n + 1)) / (peer.n + 1),
    how: `EXTRAPOLATED from ${peer.n} voters (measured ${perVote(peer).toFixed(1)}) × (${n} + 1)/(${peer.n} + 1)`,
  };
}

export function report(results: PhaseResult[], params: ReportParams): number {
  console.log();
  printTable(results.map(row));
  const muster = results.find((r) => r.mode === 'muster');
  const peer = results.find((r) => r.mode === 'claper');
  for (const r of results)
    if (r.audience.timedOut)
      console.log(
        `${r.mode}: pushes still arriving ${params.durationMs / 1000 + 60} s in; counted what arrived`,
      );
  let pass = true;
  const checks: Record<string, boolean> = {};
  if (muster) {
    const ack = new Histogram().merge(muster.votes.ack).summary();
    const peerRate = peerPerVoteAt(muster.n, peer);
    const ratio = perVote(muster) / peerRate.value;
    checks.allFollowing = muster.connected === muster.n && muster.followed === muster.n;
    checks.allAcked = muster.votes.acked === muster.votes.sent;
    checks.noLostFinal = lostVotes(muster.votes.expected, muster.final) === 0;
    checks.noLostPresenter = lostVotes(muster.votes.expected, muster.presenterLast) === 0;
    checks.countsExact = extraVotes(muster.votes.expected, muster.final) === 0 && checks.noLostFinal;
    checks.ackP99 = ack.p99 <= TARGETS.ackP99Ms;
    checks.presenter =
      muster.presenterBehindMs !== undefined && muster.presenterBehindMs <= TARGETS.presenterBehindMs;
    checks.pushRatio = ratio <= TARGETS.pushRatio;
    console.log();
    const rows: Row[] = [
      {
        target: 'every socket connected and following the poll',
        got: `${muster.connected} connected, ${muster.followed} following of ${muster.n}`,
        result: verdict(checks.allFollowing),
      },
      {
        target: 'every vote acknowledged',
        got: `${muster.votes.acked}/${muster.votes.sent}`,
        result: verdict(checks.allAcked),
      },
      {
        target: '0 lost (final GET)',
        got: lostVotes(muster.votes.expected, muster.final),
        result: verdict(checks.noLostFinal),
      },
      {
        target: "0 lost (presenter's last record)",
        got: lostVotes(muster.votes.expected, muster.presenterLast),
        result: verdict(checks.noLostPresenter),
      },
      { target: 'counts exact', got: checks.countsExact ? 'yes' : 'no', result: verdict(checks.countsExact) },
      { target: `ack p99 ≤ ${TARGETS.ackP99Ms} ms`, got: ms(ack.p99), result: verdict(checks.ackP99) },
      {
        target: `presenter ≤ ${TARGETS.presenterBehindMs} ms behind the last vote`,
        got: muster.presenterBehindMs === undefined ? 'never' : ms(muster.presenterBehindMs),
        result: verdict(checks.presenter),
      },
      {
        target: "pushes/vote ≤ 1/100 of the peer's",
        got: `${perVote(muster).toFixed(2)} vs ${peerRate.value.toFixed(1)} (1/${Math.round(1 / ratio)})`,
        result: verdict(checks.pushRatio),
      },
    ];
    printTable(rows);
    console.log(`peer pushes/vote at ${muster.n} voters: ${peerRate.how}`);
    pass = Object.values(checks).every(Boolean);
  }
  if (peer)
    console.log(
      `peer: ${lostVotes(peer.votes.expected, peer.final)} of ${peer.votes.acked} acknowledged votes lost by its read-modify-write`,
    );
  for (const r of results)
    if (r.cpu) printBreakdown('server CPU profile, Muster, first vote → last ack', r.cpu);
  console.log(params.limitNote);
  for (const note of new Set(results.flatMap((r) => r.notes))) console.log(note);
  writeResult('votes', { params, checks, pass, results });
  return muster && !pass ? 1 : 0;
}
