/**
 * `votes`: 5,000 audience sockets on one session; the presenter opens a poll; everyone votes within
 * 10 s. How long is each vote's acknowledgement, how long after the last vote does the presenter's
 * socket show the exact counts, how many pushes does one vote cost, and is any vote lost?
 * (QUALITY.md: 0 lost, counts exact, ack p99 ≤ 250 ms, presenter ≤ 1 s behind the last vote,
 * pushes per vote ≤ 1/100 of the peer's.)
 *
 * Peer in the same run, with the same sockets and the same vote schedule: Claper's design, a
 * read-modify-write count per vote and the whole poll re-sent to every client of the session after
 * each vote (bench/lib/votes-peer.ts). That is N × N pushes: at 5,000 voters 25 million frames,
 * more than this 2-core machine parses in minutes, so the peer runs at `--peer-voters` (default
 * 1,000) and its pushes per vote at Muster's N are extrapolated, labelled as such in the report.
 *
 * Method: a load process holds the audience (one Socket.IO client per voter, signed in as the
 * voter on Muster, following `session:<id>`, then `poll:<id>` once it saw the poll open); another
 * sends the votes (voter i at i × duration / N, open loop, over keep-alive connections opened
 * beforehand); the coordinator holds the presenter's socket. Times come from one machine-wide
 * monotonic clock (lib/clock.ts). Expected counts = the acknowledged votes per option; lost =
 * expected minus the final `GET /api/v1/polls/:id` (and minus the presenter's last record).
 *
 * Steps: the systems (lib/votes-systems.ts), one run each (lib/votes-phase.ts, driving
 * lib/votes-load.ts), the report (lib/votes-report.ts).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Cleanup } from './lib/cleanup.ts';
import { analyseProfile, keepProfile, newestProfile } from './lib/cpuprofile.ts';
import { ensureOpenFiles } from './lib/limits.ts';
import { makeTempDir } from './lib/server.ts';
import { benchDb } from './lib/target-server.ts';
import { type PhaseResult, runPhase } from './lib/votes-phase.ts';
import type { VotesMode } from './lib/votes-protocol.ts';
import { report } from './lib/votes-report.ts';
import { claperSystem, musterSystem, type VotesSystem } from './lib/votes-systems.ts';

const SYSTEMS: VotesMode[] = ['claper', 'muster'];

function parseVotesArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      voters: { type: 'string', default: '5000' },
      'peer-voters': { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '256' },
      db: { type: 'string', default: 'pglite' },
      systems: { type: 'string', default: SYSTEMS.join(',') },
      /** Profile Muster's server (node --cpu-prof) and print where its time went while votes came in. */
      'cpu-prof': { type: 'boolean', default: false },
    },
  });
  const n = Number(values.voters);
  const peerN = Math.min(Number(values['peer-voters']), n);
  const durationMs = Number(values.duration) * 1000;
  const connections = Number(values.connections);
  const systems = values.systems.split(',') as VotesMode[];
  if (!Number.isInteger(n) || n < 1 || n > 131_000) throw new Error('--voters must be 1..131000');
  if (!Number.isInteger(peerN) || peerN < 1) throw new Error('--peer-voters must be a positive integer');
  if (!(durationMs > 0)) throw new Error('--duration must be positive');
  if (!Number.isInteger(connections) || connections < 1) throw new Error('--connections must be positive');
  if (systems.some((s) => !SYSTEMS.includes(s))) throw new Error(`--systems: a list of ${SYSTEMS.join(',')}`);
  return { n, peerN, durationMs, connections, db: benchDb(values.db), systems, cpuProf: values['cpu-prof'] };
}

export async function main(args: string[]): Promise<number> {
  const { systems, cpuProf, ...params } = parseVotesArgs(args);
  // Each audience socket is a descriptor in its load process and one in the server.
  const limitNote = ensureOpenFiles(params.n + params.connections + 1024);
  console.log(limitNote);
  const runId = randomBytes(3).toString('hex');
  const results: PhaseResult[] = [];
  // One system at a time, each stopped before the next starts, so neither slows the other.
  for (const mode of systems) {
    const cleanup = new Cleanup();
    const profileDir = cpuProf && mode === 'muster' ? makeTempDir('votes-cpuprof') : undefined;
    const env: Record<string, string> = profileDir
      ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` }
      : {};
    try {
      const system: VotesSystem =
        mode === 'muster'
          ? await musterSystem(params.db, params.n, runId, cleanup, env)
          : await claperSystem(params.db, params.peerN, cleanup);
      console.log(`\n${mode}: ${system.voteTokens.length} voters`);
      results.push(await runPhase(system, params, cleanup));
    } finally {
      // Stops the server, which writes its profile as it exits.
      await cleanup.run();
    }
    const result = results.at(-1);
    const file = profileDir && newestProfile(profileDir);
    if (result && file) {
      result.cpu = analyseProfile(file, result.votes.firstSentAt, result.votes.lastAckAt);
      keepProfile(file, `votes-server-${runId}`);
    }
  }
  return report(results, { ...params, limitNote });
}
