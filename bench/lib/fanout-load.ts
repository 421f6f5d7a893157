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
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { pushToParent, serveParent } from './child.ts';
import { nowMs } from './clock.ts';

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

function connectOne(job: ConnectJob, i: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(why));
    if (job.mode === 'muster' || job.mode === 'socketio') {
      const token = job.tokens?.[(job.first + i) % job.tokens.length];
      const socket = io(job.url, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        timeout: 30_000,
        ...(token ? { auth: { token } } : {}),
      });
      socket.on('change', (change: ChangeLike) => {
        if (job.mode === 'muster' && change.scope !== job.scope) return void other++;
        if (sample === undefined && job.mode === 'muster') sample = JSON.stringify(change);
        onTitle(i, titleOf(change));
      });
      socket.on('heads', () => other++);
      socket.on('presence', () => other++);
      socket.once('connect_error', (error) => fail(`connect_error: ${error.message}`));
      socket.on('disconnect', () => disconnects++);
      socket.once('connect', () => {
        if (job.mode !== 'muster') return resolve({ close: () => socket.close() });
        socket
          .timeout(30_000)
          .emitWithAck('subscribe', { scopes: [job.scope] })
          .then(
            (ack: { ok: boolean; heads?: Record<string, number> }) => {
              if (ack.ok && job.scope && ack.heads && job.scope in ack.heads)
                resolve({ close: () => socket.close() });
              else {
                socket.close();
                fail(`subscribe refused: ${JSON.stringify(ack)}`);
              }
            },
            (error: Error) => {
              socket.close();
              fail(`subscribe: ${error.message}`);
            },
          );
      });
    } else if (job.mode === 'ws') {
      const ws = new WebSocket(job.url, { perMessageDeflate: false });
      ws.on('message', (data: Buffer) =>
        onTitle(i, titleOf(JSON.parse(data.toString('utf8')) as ChangeLike)),
      );
      ws.once('error', (error) => fail(`ws: ${error.message}`));
      ws.on('close', () => disconnects++);
      ws.once('open', () => resolve({ close: () => ws.terminate() }));
    } else {
      const client = mqttConnect(job.url, {
        clientId: `${job.label}-${job.first + i}`,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 30_000,
        keepalive: 120,
      });
      client.on('message', (_topic, payload) =>
        onTitle(i, titleOf(JSON.parse(payload.toString('utf8')) as ChangeLike)),
      );
      client.once('error', (error) => {
        client.end(true);
        fail(`mqtt: ${error.message}`);
      });
      client.on('close', () => disconnects++);
      client.once('connect', () => {
        client.subscribe(job.topic ?? '', { qos: 0 }, (error) => {
          if (error) {
            client.end(true);
            fail(`mqtt subscribe: ${error.message}`);
          } else resolve({ close: () => client.end(true) });
        });
      });
    }
  });
}

async function connectAll(job: ConnectJob) {
  const started = nowMs();
  const result: Client[] = new Array(job.count);
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < job.count) {
      const i = next++;
      for (let attempt = 1; ; attempt++) {
        try {
          result[i] = await connectOne(job, i);
          break;
        } catch (error) {
          if (attempt === 3) {
            errors.push((error as Error).message);
            break;
          }
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.count) }, worker));
  clients = result.filter(Boolean);
  received = new Float64Array(job.count);
  disconnects = 0;
  return {
    connected: clients.length,
    failed: errors.length,
    errors: errors.slice(0, 5),
    ms: nowMs() - started,
  };
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
