/**
 * The peer of the `votes` benchmark (`votes-peer.ts pglite|postgres`): a minimal re-implementation
 * of Claper's poll design, its own process, driven over IPC by bench/votes.ts (lib/child.ts).
 *
 * What it keeps from Claper (lib/claper/polls.ex, `vote/4`): each option row holds its count; a
 * vote reads the option's count, adds one in application code and writes the result back with the
 * ballot, in one transaction but without a lock (`vote_count: poll_opt.vote_count + 1`), so two
 * votes that read the same count write the same count and one is lost; then the whole poll is read
 * again and broadcast to everyone on the event (`poll_updated`), so N voters cause N × N pushes.
 * Claper does this over Phoenix PubSub and LiveView; here it is Socket.IO with Muster's transport
 * settings (the same client library the Muster side uses) and the same HTTP route shape as Muster
 * (`PUT /api/v1/polls/:id/vote {optionIds}`, the voter named by its bearer token), so the load
 * process drives both alike. Same kind of database as Muster's run (lib/peer-db.ts).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { serveParent } from './child.ts';
import { openPeerDb, type Sql } from './peer-db.ts';

const kind = process.argv[2];
if (kind !== 'pglite' && kind !== 'postgres') throw new Error('usage: votes-peer.ts pglite|postgres');

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS polls (id uuid PRIMARY KEY, session_id text NOT NULL, title text NOT NULL);
  CREATE TABLE IF NOT EXISTS poll_opts (
    id uuid PRIMARY KEY, poll_id uuid NOT NULL REFERENCES polls (id), content text NOT NULL,
    position int NOT NULL, vote_count int NOT NULL DEFAULT 0);
  CREATE TABLE IF NOT EXISTS poll_votes (
    id uuid PRIMARY KEY, poll_id uuid NOT NULL, poll_opt_id uuid NOT NULL, user_id text NOT NULL,
    inserted_at timestamptz NOT NULL DEFAULT now());`;

/** The whole poll as Claper broadcasts it: the poll with every option and its count. */
export interface PeerPoll {
  id: string;
  sessionId: string;
  title: string;
  options: { id: string; content: string; voteCount: number }[];
}

let sql: Sql | undefined;

async function loadPoll(id: string): Promise<PeerPoll | undefined> {
  const rows = await sql!.query<{
    session_id: string;
    title: string;
    opt: string;
    content: string;
    n: number;
  }>(
    `SELECT p.session_id, p.title, o.id AS opt, o.content, o.vote_count AS n
       FROM polls p JOIN poll_opts o ON o.poll_id = p.id WHERE p.id = $1 ORDER BY o.position`,
    [id],
  );
  const first = rows[0];
  if (!first) return undefined;
  return {
    id,
    sessionId: first.session_id,
    title: first.title,
    options: rows.map((r) => ({ id: r.opt, content: r.content, voteCount: r.n })),
  };
}

/** Claper's vote: read the count, add one, write it back (no lock), store the ballot, re-send the poll. */
async function vote(pollId: string, userId: string, optionId: string): Promise<PeerPoll | undefined> {
  const [option] = await sql!.query<{ vote_count: number }>(
    'SELECT vote_count FROM poll_opts WHERE id = $1 AND poll_id = $2',
    [optionId, pollId],
  );
  if (!option) return undefined;
  await sql!.tx(async (query) => {
    await query('UPDATE poll_opts SET vote_count = $2 WHERE id = $1', [optionId, option.vote_count + 1]);
    await query('INSERT INTO poll_votes (id, poll_id, poll_opt_id, user_id) VALUES ($1, $2, $3, $4)', [
      randomUUID(),
      pollId,
      optionId,
      userId,
    ]);
  });
  const poll = await loadPoll(pollId);
  if (poll) io.to(sessionRoom(poll.sessionId)).emit('poll', poll);
  return poll;
}

const sessionRoom = (sessionId: string) => `session/${sessionId}`;

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

async function route(request: http.IncomingMessage, response: http.ServerResponse) {
  const url = request.url ?? '';
  const match = /^\/api\/v1\/polls\/([0-9a-f-]{36})(\/vote)?$/.exec(url);
  if (url === '/healthz') return send(response, 200, { ok: true });
  if (!match) return send(response, 404, { code: 'not_found' });
  const pollId = match[1]!;
  if (request.method === 'GET' && !match[2]) {
    const poll = await loadPoll(pollId);
    if (!poll) return send(response, 404, { code: 'not_found' });
    const counts = Object.fromEntries(poll.options.map((o) => [o.id, o.voteCount]));
    const total = poll.options.reduce((a, o) => a + o.voteCount, 0);
    return send(response, 200, { poll, results: { pollId, counts, total } });
  }
  if (request.method === 'PUT' && match[2]) {
    const userId = (request.headers.authorization ?? '').replace(/^Bearer /, '');
    const body = JSON.parse(await readBody(request)) as { optionIds?: string[] };
    const optionId = body.optionIds?.[0];
    if (!userId || !optionId) return send(response, 400, { code: 'validation_failed' });
    const poll = await vote(pollId, userId, optionId);
    return poll ? send(response, 200, { pollId, optionIds: [optionId] }) : send(response, 404, {});
  }
  return send(response, 405, { code: 'method_not_allowed' });
}

const httpServer = http.createServer((request, response) => {
  route(request, response).catch((error: Error) => send(response, 500, { error: error.message }));
});
httpServer.keepAliveTimeout = 120_000;
// Muster's gateway transport settings, as the Socket.IO floor uses them (lib/floor-server.ts).
const io = new Server(httpServer, {
  path: '/socket.io',
  maxHttpBufferSize: 64 * 1024,
  pingInterval: 20_000,
  pingTimeout: 20_000,
});
io.on('connection', (socket) => {
  socket.on('join', (payload: { sessionId: string }, ack: (r: object) => void) => {
    socket.join(sessionRoom(payload.sessionId));
    ack({ ok: true });
  });
});

serveParent({
  /** `{url}` (postgres) or `{dataDir}` (pglite) → `{port}`. */
  start: async (message) => {
    sql = await openPeerDb(kind, message);
    for (const statement of SCHEMA.split(';').filter((s) => s.trim())) await sql.query(statement);
    return new Promise((resolve) =>
      httpServer.listen(0, '127.0.0.1', () => resolve({ port: (httpServer.address() as AddressInfo).port })),
    );
  },
  /** A poll with its options, as the presenter would create and open it. */
  createPoll: async (message) => {
    const id = randomUUID();
    const options = message.options as string[];
    await sql!.query('INSERT INTO polls (id, session_id, title) VALUES ($1, $2, $3)', [
      id,
      message.sessionId,
      message.question,
    ]);
    for (const [i, content] of options.entries())
      await sql!.query('INSERT INTO poll_opts (id, poll_id, content, position) VALUES ($1, $2, $3, $4)', [
        randomUUID(),
        id,
        content,
        i,
      ]);
    return loadPoll(id);
  },
  /** Ballots stored (one row per acknowledged vote): what the counts should have added up to. */
  ballots: async (message) =>
    sql!.query<{ opt: string; n: number }>(
      'SELECT poll_opt_id AS opt, count(*)::int AS n FROM poll_votes WHERE poll_id = $1 GROUP BY 1',
      [message.pollId],
    ),
  stop: async () => {
    io.close();
    httpServer.closeAllConnections();
    await sql?.close();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
});
