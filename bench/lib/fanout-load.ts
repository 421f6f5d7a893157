/**
 * Load process of the `fanout` benchmark (forked by bench/fanout.ts, one or more per system). It
 * holds a share of the N clients of one system — Muster (Socket.IO clients that subscribe to the
 * event's scope), the bare Socket.IO floor, the `ws` floor or Mosquitto (MQTT, QoS 0) — and timestamps, with the machine-wide monotonic clock (clock.ts), the moment each client's
 * handler sees the armed marker. It parses every payload (JSON) in each mode, as a real client would.
 *
 * Requests (child.ts): `connect` → `{connected, failed, ms}`; `arm {marker}`; `collect` → receive
 * times; `close`. It pushes `all` once every client has the armed marker.
 */
import { connect as mqttConnect } from 'mqtt';
import { WebSocket } from 'ws';
import { pushToParent, serveParent } from './child.ts';
import { nowMs } from './clock.ts';
import { benchSocket, connectMany, subscribeWithAck, whenConnected } from './connect.ts';

export type FanoutMode = 'muster' | 'socketio' | 'ws' | 'mqtt';

export interface ConnectJob {
  mode: FanoutMode;
  url: string;
  count: number;
  /** Muster: tokens handed out round-robin; the scope every client subscribes to. */
  tokens?: string[];
  scope?: string;
  /** MQTT topic; client ids are `<label>-<first + i>`. */
  topic?: string;
  label: string;
  first: number;
  /** Handshakes in flight at once (the server's listen backlog is finite). */
  concurrency: number;
}

export interface Collected {
  /** Absolute receive time (ms, clock.ts) per client; 0 = not received. */
  times: number[];
  duplicates: number;
  /** Frames with an older marker or of another kind (heads, presence) during the window. */
  other: number;
  disconnects: number;
  /** Event-loop utilisation of this process between `arm` and `collect` (0..1). */
  elu: number;
  /** One payload as received (Muster only), so peers can send the very same bytes. */
  sample?: string;
}

interface Client {
  close(): void;
}

let clients: Client[] = [];
let received = new Float64Array(0);
let marker = '';
let got = 0;
let duplicates = 0;
let other = 0;
let disconnects = 0;
let sample: string | undefined;
let armedElu = performance.eventLoopUtilization();

function onTitle(i: number, title: unknown): void {
  if (title !== marker) {
    other++;
    return;
  }
  if (received[i] !== 0) {
    duplicates++;
    return;
  }
  received[i] = nowMs();
  if (++got === clients.length) pushToParent('all', { marker });
}

type ChangeLike = { scope?: string; data?: { title?: unknown } };
const titleOf = (change: ChangeLike | undefined) => change?.data?.title;
const parsed = (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as ChangeLike;

/** Muster (signed in, subscribed to the event) or the bare Socket.IO floor (nothing to join). */
async function connectSocketIo(job: ConnectJob, i: number): Promise<Client> {
  const socket = benchSocket(job.url, job.tokens?.[(job.first + i) % job.tokens.length]);
  socket.on('change', (change: ChangeLike) => {
    if (job.mode === 'muster' && change.scope !== job.scope) return void other++;
    if (sample === undefined && job.mode === 'muster') sample = JSON.stringify(change);
    onTitle(i, titleOf(change));
  });
  socket.on('heads', () => other++);
  socket.on('presence', () => other++);
  socket.on('disconnect', () => disconnects++);
  await whenConnected(socket);
  if (job.mode === 'muster')
    await subscribeWithAck<{ ok: boolean; heads?: Record<string, number> }>(
      socket,
      'subscribe',
      { scopes: [job.scope] },
      (ack) => ack.ok && !!job.scope && !!ack.heads && job.scope in ack.heads,
    );
  return { close: () => socket.close() };
}

function connectWs(job: ConnectJob, i: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(job.url, { perMessageDeflate: false });
    ws.on('message', (data: Buffer) => onTitle(i, titleOf(parsed(data))));
    ws.once('error', (error) => reject(new Error(`ws: ${error.message}`)));
    ws.on('close', () => disconnects++);
    ws.once('open', () => resolve({ close: () => ws.terminate() }));
  });
}

function connectMqtt(job: ConnectJob, i: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = mqttConnect(job.url, {
      clientId: `${job.label}-${job.first + i}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
      keepalive: 120,
    });
    client.on('message', (_topic, payload) => onTitle(i, titleOf(parsed(payload))));
    client.once('error', (error) => {
      client.end(true);
      reject(new Error(`mqtt: ${error.message}`));
    });
    client.on('close', () => disconnects++);
    client.once('connect', () => {
      client.subscribe(job.topic ?? '', { qos: 0 }, (error) => {
        if (error) {
          client.end(true);
          reject(new Error(`mqtt subscribe: ${error.message}`));
        } else resolve({ close: () => client.end(true) });
      });
    });
  });
}

function connectOne(job: ConnectJob, i: number): Promise<Client> {
  if (job.mode === 'ws') return connectWs(job, i);
  if (job.mode === 'mqtt') return connectMqtt(job, i);
  return connectSocketIo(job, i);
}

async function connectAll(job: ConnectJob) {
  const { clients: opened, ...answer } = await connectMany(job.count, job.concurrency, (i) =>
    connectOne(job, i),
  );
  clients = opened;
  received = new Float64Array(job.count);
  disconnects = 0;
  return answer;
}

serveParent({
  connect: (message) => connectAll(message as unknown as ConnectJob),
  arm: (message) => {
    marker = String(message.marker);
    received.fill(0);
    got = 0;
    duplicates = 0;
    other = 0;
    armedElu = performance.eventLoopUtilization();
    return {};
  },
  collect: (): Collected => {
    const elu = performance.eventLoopUtilization(armedElu).utilization;
    return {
      times: Array.from(received),
      duplicates,
      other,
      disconnects,
      elu,
      ...(sample !== undefined ? { sample } : {}),
    };
  },
  close: async () => {
    for (const client of clients) client.close();
    clients = [];
    // Let the close frames go out before the next system's clients connect.
    await new Promise((resolve) => setTimeout(resolve, 500));
    return {};
  },
});
