/**
 * Load process of the `burst` benchmark (forked by bench/burst.ts, driven over IPC with
 * lib/child.ts). It holds the N request bodies, opens C keep-alive connections to a system, then
 * fires: C senders start in the same tick and each sends the next unsent submission as soon as its
 * previous one is answered, so C requests are in flight until all N are answered. Each request's
 * latency runs from its write on its connection to the end of its answer.
 *
 * The client is HTTP/1.1 written straight onto `net` sockets, like wrk: one request at a time per
 * connection, answers framed by `content-length` (anything else counts as an error). On this kind
 * of machine `node:http`'s client saturates its process at ~4,000 requests/s; this one answers
 * ~8,000/s at a third of the CPU, so the load takes less CPU from the servers it measures.
 */
import net from 'node:net';
import { serveParent } from './child.ts';
import { nowMs } from './clock.ts';

export interface FireResult {
  /** `nowMs()` when the first request was written (the one clock every process of a bench reads). */
  t0: number;
  /** Per submission, in payload order: HTTP status, 0 when no answer came (connection error). */
  status: number[];
  latencyMs: number[];
  /** Milliseconds after t0 at which the answer was complete. */
  doneAtMs: number[];
  /** First few non-2xx answers or errors, for the report. */
  errorSamples: string[];
  /** Reconnects after a connection failed or was closed by the server. */
  reconnects: number;
  /** Event-loop utilisation of this process during the burst: near 1 means the load, not the server, set the pace. */
  elu: number;
}

interface Answer {
  status: number;
  body: string;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection carrying one request at a time. */
class Connection {
  readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: { resolve(a: Answer): void; reject(e: Error): void } | undefined;
  closed = false;

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host);
      socket.once('connect', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  request(text: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(text);
    });
  }

  private fail(error: Error) {
    this.closed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const end = this.buffer.indexOf(HEAD_END);
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString('latin1');
    const status = Number(head.slice(9, 12));
    const bodyless = status === 204 || status === 304;
    const length = bodyless ? '0' : /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)?.[1];
    if (length === undefined) {
      this.socket.destroy();
      this.fail(new Error(`answer without content-length: ${head.slice(0, 200)}`));
      return;
    }
    const total = end + HEAD_END.length + Number(length);
    if (this.buffer.length < total) return;
    const body = this.buffer.subarray(end + HEAD_END.length, total).toString('utf8');
    this.buffer = this.buffer.subarray(total);
    if (/\r\nconnection:[ \t]*close/i.test(head)) this.closed = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ status, body });
  }
}

let bodies: string[] = [];
let target: { host: string; port: number; hostHeader: string } | undefined;
let pool: Connection[] = [];

function requestText(method: string, path: string, body?: string): string {
  const head = `${method} ${path} HTTP/1.1\r\nhost: ${target?.hostHeader}\r\n`;
  if (body === undefined) return `${head}\r\n`;
  return `${head}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function closeAll() {
  for (const connection of pool) connection.socket.destroy();
  pool = [];
}

/** Opens `connections` sockets at once and checks each with a `/healthz`. */
async function connect(url: string, connections: number) {
  closeAll();
  const parsed = new URL(url);
  target = { host: parsed.hostname, port: Number(parsed.port), hostHeader: parsed.host };
  const { host, port } = target;
  const started = performance.now();
  pool = await Promise.all(Array.from({ length: connections }, () => Connection.open(host, port)));
  const answers = await Promise.all(pool.map((c) => c.request(requestText('GET', '/healthz'))));
  const failed = answers.filter((a) => a.status !== 200).length;
  if (failed) throw new Error(`${failed} of ${connections} connections did not answer /healthz with 200`);
  return { open: pool.length, connectMs: performance.now() - started };
}

async function fire(path: string): Promise<FireResult> {
  const n = bodies.length;
  const result: FireResult = {
    t0: 0,
    status: new Array(n).fill(0),
    latencyMs: new Array(n).fill(0),
    doneAtMs: new Array(n).fill(0),
    errorSamples: [],
    reconnects: 0,
    elu: 0,
  };
  const texts = bodies.map((body) => requestText('POST', path, body));
  let next = 0;
  const sender = async (slot: number) => {
    while (next < n) {
      const i = next++;
      let connection = pool[slot]!;
      const start = nowMs();
      try {
        if (connection.closed) {
          result.reconnects++;
          connection = pool[slot] = await Connection.open(target!.host, target!.port);
        }
        const { status, body } = await connection.request(texts[i]!);
        result.status[i] = status;
        if ((status < 200 || status > 299) && result.errorSamples.length < 10)
          result.errorSamples.push(`HTTP ${status} ${body.slice(0, 300)}`);
      } catch (error) {
        if (result.errorSamples.length < 10) result.errorSamples.push(String(error));
      }
      const end = nowMs();
      result.latencyMs[i] = end - start;
      result.doneAtMs[i] = end - result.t0;
    }
  };
  const elu = performance.eventLoopUtilization();
  result.t0 = nowMs();
  await Promise.all(pool.slice(0, n).map((_, slot) => sender(slot)));
  result.elu = performance.eventLoopUtilization(elu).utilization;
  return result;
}

serveParent({
  payloads: (message) => {
    bodies = message.bodies as string[];
    return { count: bodies.length };
  },
  connect: (message) => connect(message.url as string, message.connections as number),
  fire: (message) => fire(message.path as string),
  close: () => {
    closeAll();
    return {};
  },
});
