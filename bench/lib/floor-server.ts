/**
 * The floors the real-time benchmarks compare Muster with, each as its own process (like the
 * server), on 127.0.0.1 and a free port:
 *
 * - `ws`: a minimal `ws` server; `POST /broadcast` sends the request body, encoded once, to every
 *   open client (the lowest cost of pushing one frame to N sockets from Node).
 * - `socketio`: a bare Socket.IO server with Muster's transport settings and no auth, no database:
 *   `POST /broadcast` is `io.emit('change', body)`; for chat, `join {room}` and
 *   `send {room, clientMsgId, body}` → `io.to(room).emit('change', <a change record like Muster's>)`
 *   and the ack `{ok, id, seq}` (a per-room counter in memory: no persistence).
 *
 * Driven over IPC (`start` → `{port}`, `stop`) by bench/lib/child.ts.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server } from 'socket.io';
import { WebSocket, WebSocketServer } from 'ws';
import { serveParent } from './child.ts';

const mode = process.argv[2];
if (mode !== 'ws' && mode !== 'socketio') throw new Error('usage: floor-server.ts ws|socketio');

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

let broadcast: (body: Buffer) => void = () => {};
const httpServer = http.createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/broadcast') {
    readBody(request).then((body) => {
      broadcast(body);
      response.writeHead(204).end();
    });
    return;
  }
  response.writeHead(request.url === '/healthz' ? 200 : 404).end();
});
httpServer.keepAliveTimeout = 120_000;

if (mode === 'ws') {
  const wss = new WebSocketServer({ server: httpServer });
  broadcast = (body) => {
    for (const client of wss.clients)
      if (client.readyState === WebSocket.OPEN) client.send(body, { binary: false });
  };
} else {
  // Muster's gateway settings, minus what a floor does not need (auth, origins, validation).
  const io = new Server(httpServer, {
    path: '/socket.io',
    maxHttpBufferSize: 64 * 1024,
    pingInterval: 20_000,
    pingTimeout: 20_000,
  });
  broadcast = (body) => io.emit('change', JSON.parse(body.toString('utf8')));
  const seqs = new Map<string, number>();
  io.on('connection', (socket) => {
    socket.on('join', (payload: { rooms: string[] }, ack: (r: object) => void) => {
      socket.join(payload.rooms);
      ack({ ok: true });
    });
    socket.on(
      'send',
      (payload: { room: string; clientMsgId: string; body: string }, ack: (r: object) => void) => {
        const seq = (seqs.get(payload.room) ?? 0) + 1;
        seqs.set(payload.room, seq);
        const id = randomUUID();
        const at = new Date().toISOString();
        io.to(payload.room).emit('change', {
          scope: payload.room,
          seq,
          entity: 'messaging.messageSent',
          op: 'upsert',
          id,
          data: {
            id,
            channelId: payload.room.slice(payload.room.indexOf(':') + 1),
            seq,
            senderId: socket.id,
            clientMsgId: payload.clientMsgId,
            body: payload.body,
            replyToId: null,
            mentions: [],
            reactions: [],
            editedAt: null,
            deleted: false,
            deletedAt: null,
            createdAt: at,
          },
          at,
        });
        ack({ ok: true, id, seq });
      },
    );
  });
}

// What the floor cost, for the profile next to Muster's /metrics: CPU and event-loop delay since the last `stats`.
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let cpuMark = process.cpuUsage();

serveParent({
  stats: () => {
    const cpu = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    const result = {
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
      eventLoopDelayMaxMs: delay.max / 1e6,
    };
    delay.reset();
    return result;
  },
  start: () =>
    new Promise((resolve) =>
      httpServer.listen(0, '127.0.0.1', () => resolve({ port: (httpServer.address() as AddressInfo).port })),
    ),
  stop: () => {
    httpServer.closeAllConnections();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
});
