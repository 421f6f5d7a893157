/**
 * The two systems of the `votes` benchmark behind one interface (set-up not timed): Muster (the real
 * server process; an organiser who presents, an event, a session, N registered voters, a poll
 * created and opened through the API) and the Claper peer (lib/votes-peer.ts on its own database
 * of the same kind), plus the presenter's socket, held by the coordinator so that its timing does
 * not depend on the load processes.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Poll, PollView } from '@muster/protocol';
import { scopes } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import { call } from './api.ts';
import { forkChild } from './child.ts';
import type { Cleanup } from './cleanup.ts';
import { nowMs } from './clock.ts';
import { benchSocket, subscribeWithAck, whenConnected } from './connect.ts';
import { makeTempDir } from './server.ts';
import { createDatabase, createPublishedEvent, registerUsers } from './setup.ts';
import { type BenchDb, startTargetServer } from './target-server.ts';
import type { PeerPoll } from './votes-peer.ts';
import { type Counts, countsOf, sameCounts, type VotesMode } from './votes-protocol.ts';

export const OPTION_LABELS = ['Yes', 'No', 'Maybe', 'Ask me later'];

export interface OpenedPoll {
  pollId: string;
  optionIds: string[];
}

export interface VotesSystem {
  mode: VotesMode;
  url: string;
  sessionId: string;
  /** Per voter: the socket's token (none on the peer) and the vote's bearer token. */
  socketTokens: (string | undefined)[];
  /** Muster: the voters' user ids (each socket also follows its own `user:<id>`). */
  userIds?: string[];
  voteTokens: string[];
  presenter: Presenter;
  /** The presenter creates and opens the poll (4 options, single choice, results live). */
  openPoll(): Promise<OpenedPoll>;
  /** The results as the presenter reads them back afterwards. */
  finalCounts(pollId: string): Promise<Counts>;
  notes: string[];
}

/** The presenter's socket: every counts record it gets, with its arrival time (clock.ts). */
export class Presenter {
  readonly records: { at: number; counts: Counts }[] = [];
  private pollId = '';
  readonly mode: VotesMode;
  readonly socket: Socket;
  private constructor(mode: VotesMode, socket: Socket) {
    this.mode = mode;
    this.socket = socket;
  }

  static async connect(mode: VotesMode, url: string, sessionId: string, token?: string): Promise<Presenter> {
    const socket = benchSocket(url, token);
    const presenter = new Presenter(mode, socket);
    socket.on(mode === 'muster' ? 'change' : 'poll', (payload: unknown) => {
      const counts = presenter.pollId ? countsOf(mode, payload, presenter.pollId) : undefined;
      if (counts) presenter.records.push({ at: nowMs(), counts });
    });
    await whenConnected(socket);
    if (mode === 'muster') {
      const scope = scopes.session(sessionId);
      await subscribeWithAck<{ heads?: Record<string, number> }>(
        socket,
        'subscribe',
        { scopes: [scope] },
        (ack) => !!ack.heads && scope in ack.heads,
      );
    } else await subscribeWithAck<{ ok: boolean }>(socket, 'join', { sessionId }, (ack) => ack.ok);
    return presenter;
  }

  /** Follows the poll's results (Muster: `poll:<id>`; the peer sends them on the session anyway). */
  async follow(pollId: string): Promise<void> {
    this.pollId = pollId;
    if (this.mode !== 'muster') return;
    const scope = scopes.poll(pollId);
    await subscribeWithAck<{ heads?: Record<string, number> }>(
      this.socket,
      'subscribe',
      { scopes: [scope] },
      (ack) => !!ack.heads && scope in ack.heads,
    );
  }

  /** Forgets what came before the votes (the poll opening with zero counts). */
  arm(): void {
    this.records.length = 0;
  }

  /**
   * When a record equal to `expected` first arrived. Waits for it until `deadline` (clock.ts), or
   * until no record came for `quietMs` after `since` (pushes have stopped short of the exact counts:
   * votes were lost, or the system fell that far behind; either misses the target).
   */
  async exactAt(
    expected: Counts,
    since: number,
    deadline: number,
    quietMs: number,
  ): Promise<number | undefined> {
    for (;;) {
      const hit = this.records.find((r) => sameCounts(r.counts, expected));
      if (hit) return hit.at;
      const now = nowMs();
      if (now >= deadline || now - Math.max(since, this.records.at(-1)?.at ?? 0) >= quietMs) return undefined;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  get lastAt(): number | undefined {
    return this.records.at(-1)?.at;
  }

  get last(): Counts | undefined {
    return this.records.at(-1)?.counts;
  }

  close(): void {
    this.socket.close();
  }
}

/** Muster: the server, an organiser presenting, a published event with one session, `n` voters. */
export async function musterSystem(
  db: BenchDb,
  n: number,
  runId: string,
  cleanup: Cleanup,
  env: Record<string, string> = {},
) {
  const server = await startTargetServer('votes', db, cleanup, env);
  console.log(`muster: registering ${n} voters and a presenter…`);
  const setupStart = performance.now();
  const [organiser] = await registerUsers(server.url, `presenter-${runId}`, 0, 1);
  const voters = await registerUsers(server.url, `voter-${runId}`, 1, n);
  const token = organiser!.accessToken;
  const { eventId, startsAt } = await createPublishedEvent(server.url, token, `Votes bench ${runId}`);
  const session = await call<{ id: string }>(server.url, 'POST', `/api/v1/events/${eventId}/sessions`, {
    token,
    body: {
      title: 'Keynote',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      room: 'Main hall',
    },
  });
  console.log(`muster: setup done in ${((performance.now() - setupStart) / 1000).toFixed(1)} s`);
  const presenter = await Presenter.connect('muster', server.url, session.id, token);
  cleanup.add('close the presenter', () => presenter.close());
  const tokens = voters.map((v) => v.accessToken);
  return {
    mode: 'muster',
    url: server.url,
    sessionId: session.id,
    socketTokens: tokens,
    userIds: voters.map((v) => v.id),
    voteTokens: tokens,
    presenter,
    notes: ['presenter: the event organiser (organisers may run polls); voters: registered attendees'],
    async openPoll() {
      const poll = await call<Poll>(server.url, 'POST', `/api/v1/sessions/${session.id}/polls`, {
        token,
        body: {
          question: 'Should the next talk run over?',
          kind: 'single',
          options: OPTION_LABELS,
          resultsVisibility: 'live',
        },
      });
      await call(server.url, 'POST', `/api/v1/polls/${poll.id}/open`, { token });
      return { pollId: poll.id, optionIds: poll.options.map((o) => o.id) };
    },
    async finalCounts(pollId) {
      const view = await call<PollView>(server.url, 'GET', `/api/v1/polls/${pollId}`, { token });
      if (!view.results) throw new Error('GET /polls/:id answered no results to the presenter');
      return view.results.counts;
    },
  } satisfies VotesSystem;
}

/** The Claper peer on its own database of the same kind; its voters are named by their token. */
export async function claperSystem(db: BenchDb, n: number, cleanup: Cleanup) {
  const where: Record<string, string> = {};
  if (db === 'postgres') {
    const database = await createDatabase('votes_peer');
    cleanup.add(`drop database ${database.name}`, () => database.drop());
    where.url = database.url;
  } else {
    const dataDir = makeTempDir('votes-peer');
    cleanup.add('remove the peer data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }));
    where.dataDir = dataDir;
  }
  const peer = forkChild(path.join(import.meta.dirname, 'votes-peer.ts'), [db]);
  cleanup.add('stop the peer', () => peer.kill());
  const { port } = await peer.request<{ port: number }>('start', where);
  const url = `http://127.0.0.1:${port}`;
  const sessionId = randomUUID();
  const presenter = await Presenter.connect('claper', url, sessionId);
  cleanup.add('close the peer presenter', () => presenter.close());
  const voteTokens = Array.from({ length: n }, (_, i) => `voter-${i}`);
  return {
    mode: 'claper',
    url,
    sessionId,
    socketTokens: voteTokens.map(() => undefined),
    voteTokens,
    presenter,
    notes:
      db === 'pglite'
        ? [
            "peer on PGlite: the embedded database answers inside the peer's own event loop, so one vote's read and write run with no other vote in between and its read-modify-write cannot lose votes here; on PostgreSQL (a pool of connections, as Claper runs) it does",
          ]
        : [],
    async openPoll() {
      const poll = await peer.request<PeerPoll>('createPoll', {
        sessionId,
        question: 'Should the next talk run over?',
        options: OPTION_LABELS,
      });
      return { pollId: poll.id, optionIds: poll.options.map((o) => o.id) };
    },
    async finalCounts(pollId) {
      const view = await call<{ results: { counts: Counts } }>(url, 'GET', `/api/v1/polls/${pollId}`);
      return view.results.counts;
    },
  } satisfies VotesSystem;
}
