/**
 * Load processes of the `votes` benchmark (forked by bench/votes.ts), two per system so that
 * parsing the pushes cannot delay the timing of the votes (the peer pushes N × N frames):
 *
 * - the audience: N Socket.IO clients (one per voter, signed in as that voter on Muster) following
 *   the session; on Muster each then follows `poll:<id>` once it has seen the poll open. From
 *   `arm` on, every push about the poll is counted and each client keeps the last counts it got.
 * - the voters: every voter votes once, `PUT /api/v1/polls/:id/vote {optionIds:[…]}`, open loop
 *   (voter i at i × duration / N whatever the answers do), over keep-alive connections opened
 *   beforehand; each ack time is write → end of answer, from the machine-wide clock (clock.ts).
 *
 * Requests (child.ts): `connect`, `follow`, `arm`, `collect`, `close` (audience); `vote` (voters).
 */
import http from 'node:http';
import { entities, scopes } from '@muster/protocol';
import type { Socket } from 'socket.io-client';
import { serveParent } from './child.ts';
import { nowMs } from './clock.ts';
import { benchSocket, connectMany, subscribeWithAck, whenConnected } from './connect.ts';
import { Histogram } from './histogram.ts';
import { clientAddress } from './setup.ts';
import {
  type AudienceJob,
  type Collected,
  type Counts,
  countsOf,
  sameCounts,
  type VoteJob,
  type VoteResult,
  type VotesMode,
} from './votes-protocol.ts';

interface Client {
  socket: Socket;
  last?: Counts;
}

let mode: VotesMode = 'muster';
let clients: Client[] = [];
let pollId = '';
let armed = false;
let frames = 0;
let ballotFrames = 0;
let lastFrameAt = 0;
let sawOpen = 0;
let disconnects = 0;
let armedElu = performance.eventLoopUtilization();

function onPush(client: Client, payload: unknown) {
  if (!pollId) return;
  const change = payload as { entity?: string; data?: { id?: string; pollId?: string; status?: string } };
  if (mode === 'muster' && change.entity === entities.polls.pollChanged && change.data?.id === pollId) {
    if (change.data.status === 'open') sawOpen++;
    if (armed) frames++;
    return;
  }
  // The voter's own ballot, echoed to its devices (`user:<id>`): a push the vote caused, so counted.
  if (mode === 'muster' && change.entity === entities.polls.ballotSaved && change.data?.pollId === pollId) {
    if (armed) {
      frames++;
      ballotFrames++;
      lastFrameAt = nowMs();
    }
    return;
  }
  const counts = countsOf(mode, payload, pollId);
  if (!counts || !armed) return;
  frames++;
  lastFrameAt = nowMs();
  client.last = counts;
}

async function connectOne(job: AudienceJob, i: number): Promise<Client> {
  const socket = benchSocket(job.url, job.tokens[i]);
  const client: Client = { socket };
  socket.on(job.mode === 'muster' ? 'change' : 'poll', (payload: unknown) => onPush(client, payload));
  socket.on('disconnect', () => disconnects++);
  await whenConnected(socket);
  if (job.mode === 'muster') {
    const scope = scopes.session(job.sessionId);
    const userId = job.userIds?.[i];
    await subscribeWithAck<{ ok?: boolean; heads?: Record<string, number> }>(
      socket,
      'subscribe',
      { scopes: userId ? [scope, scopes.user(userId)] : [scope] },
      (ack) => !!ack.heads && scope in ack.heads && (!userId || scopes.user(userId) in ack.heads),
    );
  } else
    await subscribeWithAck<{ ok: boolean }>(socket, 'join', { sessionId: job.sessionId }, (ack) => ack.ok);
  return client;
}

/** Muster: wait (bounded) until every client saw the poll open on the session, then follow `poll:<id>`. */
async function follow(id: string, concurrency: number, waitMs: number) {
  pollId = id;
  const started = nowMs();
  if (mode === 'claper') return { sawOpen: clients.length, followed: clients.length, ms: 0 };
  while (sawOpen < clients.length && nowMs() - started < waitMs) await new Promise((r) => setTimeout(r, 20));
  const seen = sawOpen;
  const scope = scopes.poll(id);
  const outcome = await connectMany(clients.length, concurrency, (i) =>
    subscribeWithAck<{ heads?: Record<string, number>; refused?: Record<string, string> }>(
      clients[i]!.socket,
      'subscribe',
      { scopes: [scope] },
      (ack) => !!ack.heads && scope in ack.heads,
    ),
  );
  return { sawOpen: seen, followed: outcome.connected, errors: outcome.errors, ms: nowMs() - started };
}

/** Waits until no push about the poll came for `quietMs` (or `timeoutMs` passed), then reports. */
async function collect(expected: Counts, quietMs: number, timeoutMs: number): Promise<Collected> {
  const started = nowMs();
  let timedOut = false;
  for (;;) {
    const now = nowMs();
    if (now - Math.max(lastFrameAt, started) >= quietMs) break;
    if (now - started >= timeoutMs) {
      timedOut = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    frames,
    ballotFrames,
    lastFrameAt,
    exact: clients.filter((c) => sameCounts(c.last, expected)).length,
    withRecord: clients.filter((c) => c.last).length,
    disconnects,
    elu: performance.eventLoopUtilization(armedElu).utilization,
    timedOut,
  };
}

function put(agent: http.Agent, url: string, token: string, body: string, address: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-forwarded-for': address,
    };
    const request = http.request(url, { method: 'PUT', agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Opens the connections (untimed), then sends every vote on its schedule and waits for every answer. */
async function vote(job: VoteJob): Promise<VoteResult> {
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: job.connections,
    maxFreeSockets: job.connections,
    keepAliveMsecs: 60_000,
  });
  await Promise.all(
    Array.from(
      { length: job.connections },
      (_, i) =>
        new Promise<void>((resolve) =>
          http
            .get(`${job.url}/healthz`, { agent, headers: { 'x-forwarded-for': clientAddress(i) } }, (r) => {
              r.resume();
              r.on('end', resolve);
            })
            .on('error', () => resolve()),
        ),
    ),
  );
  const target = `${job.url}/api/v1/polls/${job.pollId}/vote`;
  const n = job.tokens.length;
  const ack = new Histogram();
  const sendLag = new Histogram();
  const errors: Record<string, number> = {};
  const expected: Counts = {};
  let acked = 0;
  let lastAckAt = 0;
  const eluStart = performance.eventLoopUtilization();
  const start = nowMs() + 50;
  const firstSentAt = start;
  const answers: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + (i * job.durationMs) / n;
    const wait = due - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const sentAt = nowMs();
    sendLag.add(Math.max(0, sentAt - due));
    const option = job.choices[i]!;
    const body = JSON.stringify({ optionIds: [option] });
    answers.push(
      put(agent, target, job.tokens[i]!, body, clientAddress(i)).then(
        ({ status, text }) => {
          const at = nowMs();
          if (status === 200) {
            acked++;
            ack.add(at - sentAt);
            expected[option] = (expected[option] ?? 0) + 1;
            if (at > lastAckAt) lastAckAt = at;
          } else {
            const code = (() => {
              try {
                return (JSON.parse(text) as { code?: string }).code;
              } catch {
                return undefined;
              }
            })();
            const key = `${status} ${code ?? ''}`.trim();
            errors[key] = (errors[key] ?? 0) + 1;
          }
        },
        (error: Error) => {
          errors[`no answer: ${error.message}`] = (errors[`no answer: ${error.message}`] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(answers);
  agent.destroy();
  return {
    sent: n,
    acked,
    errors,
    ack: ack.toJSON(),
    sendLag: sendLag.toJSON(),
    expected,
    firstSentAt,
    lastAckAt,
    elu: performance.eventLoopUtilization(eluStart).utilization,
  };
}

serveParent({
  connect: async (message) => {
    const job = message as unknown as AudienceJob;
    mode = job.mode;
    const { clients: opened, ...answer } = await connectMany(job.tokens.length, job.concurrency, (i) =>
      connectOne(job, i),
    );
    clients = opened;
    return answer;
  },
  follow: (message) => follow(String(message.pollId), Number(message.concurrency), Number(message.waitMs)),
  arm: () => {
    armed = true;
    frames = 0;
    ballotFrames = 0;
    lastFrameAt = 0;
    armedElu = performance.eventLoopUtilization();
    return {};
  },
  collect: (message) =>
    collect(message.expected as Counts, Number(message.quietMs), Number(message.timeoutMs)),
  vote: (message) => vote(message as unknown as VoteJob),
  close: async () => {
    for (const client of clients) client.socket.close();
    clients = [];
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {};
  },
});
