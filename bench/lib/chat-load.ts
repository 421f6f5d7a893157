/**
 * Load process of the `chat` benchmark (forked by bench/chat.ts). It holds the clients of whole
 * channels (every member of a channel lives in the same process, so sender and receivers share
 * one clock reading path and no cross-process join is needed), for Muster and for the bare
 * Socket.IO floor side by side, and runs one open-loop send phase at a time:
 *
 * - sends go out round-robin over the clients at a fixed rate (each client every clients/rate s),
 *   from a scheduler that never waits for acks (a slow server does not slow the offered load);
 * - each client records, per seq of its channel, when the message's `change` reached its handler;
 * - after the phase it waits for every ack and for every acked message to reach every member
 *   (bounded), then reports latency histograms, loss, duplicates and the acked messages.
 */
import { io, type Socket } from 'socket.io-client';
import { serveParent } from './child.ts';
import { nowMs } from './clock.ts';
import { Histogram, type HistogramJson } from './histogram.ts';

export type ChatMode = 'muster' | 'socketio';

export interface ChatConnectJob {
  mode: ChatMode;
  url: string;
  /** One entry per client: its channel and (Muster) its own user's token. */
  clients: { channelId: string; token?: string }[];
  concurrency: number;
}

export interface ChatRunJob {
  mode: ChatMode;
  /** Messages per second offered by this process. */
  rate: number;
  durationMs: number;
  tag: string;
  bodyBytes: number;
  drainMs: number;
  /**
   * Overload guard: stop offering load once this many sends are unanswered. An overloaded server
   * would otherwise build a backlog of minutes that spills into the next phase; the phase has
   * missed its target by then anyway.
   */
  maxOutstanding: number;
}

export interface AckedMessage {
  channelId: string;
  seq: number;
  id: string;
  clientMsgId: string;
}

export interface ChatRunResult {
  /** Sends planned for the phase (rate × duration). */
  offered: number;
  sent: number;
  /** Set when the overload guard stopped the phase: ms after its start. */
  stoppedAfterMs?: number;
  acked: number;
  /** Refusals and timeouts by code. */
  errors: Record<string, number>;
  ack: HistogramJson;
  delivery: HistogramJson;
  /** Scheduler lateness: actual send − planned send. */
  sendLag: HistogramJson;
  /** Acked messages × members of their channel. */
  expectedDeliveries: number;
  /** Of those, how many reached the member's handler. */
  delivered: number;
  /** Every first push of a seq of this phase, acked or not (an ack may time out after the commit). */
  pushes: number;
  lost: number;
  duplicates: number;
  outOfOrder: number;
  /** Messages pushed that no ack in this run announced (ack lost or late). */
  pushedWithoutAck: number;
  elu: number;
  /** Wall time from the first send to the end of the drain. */
  ms: number;
  drainedMs: number;
  drainTimedOut: boolean;
  messages: AckedMessage[];
}

const ENTITY = 'messaging.messageSent';

/** A Float64Array indexed by seq − base that grows as needed. */
class SeqTimes {
  private data = new Float64Array(1024);
  readonly base: number;
  constructor(base: number) {
    this.base = base;
  }
  get(seq: number): number {
    return this.data[seq - this.base] ?? 0;
  }
  set(seq: number, value: number): void {
    const i = seq - this.base;
    if (i >= this.data.length) {
      const grown = new Float64Array(Math.max(i + 1, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data[i] = value;
  }
  *entries(): Generator<[number, number]> {
    for (let i = 0; i < this.data.length; i++)
      if (this.data[i]) yield [i + this.base, this.data[i] as number];
  }
}

interface ClientState {
  socket: Socket;
  channelId: string;
  scope: string;
  recv: SeqTimes;
  lastSeq: number;
}

interface ChannelState {
  members: number;
  /** Highest seq seen (from heads, pushes or acks): the next run starts after it. */
  head: number;
  /** seq → clientMsgId, from the first push (or ack) of each seq in this run. */
  idBySeq: Map<number, string>;
  acked: number;
}

interface SentRecord {
  sentAt: number;
  channelId: string;
  ackAt?: number;
}

interface SystemState {
  clients: ClientState[];
  channels: Map<string, ChannelState>;
}

const systems = new Map<ChatMode, SystemState>();
let run:
  | {
      mode: ChatMode;
      sent: Map<string, SentRecord>;
      delivered: number;
      duplicates: number;
      outOfOrder: number;
    }
  | undefined;

function onChange(mode: ChatMode, client: ClientState, change: Change) {
  if (change.scope !== client.scope || change.entity !== ENTITY) return;
  const system = systems.get(mode)!;
  const channel = system.channels.get(client.channelId)!;
  if (change.seq > channel.head) channel.head = change.seq;
  if (!run || run.mode !== mode || change.seq <= client.recv.base) return;
  const t = nowMs();
  if (client.recv.get(change.seq)) {
    run.duplicates++;
    return;
  }
  client.recv.set(change.seq, t);
  run.delivered++;
  if (change.seq !== client.lastSeq + 1) run.outOfOrder++;
  if (change.seq > client.lastSeq) client.lastSeq = change.seq;
  if (!channel.idBySeq.has(change.seq) && change.data?.clientMsgId)
    channel.idBySeq.set(change.seq, change.data.clientMsgId);
}

interface Change {
  scope: string;
  seq: number;
  entity: string;
  data?: { clientMsgId?: string };
}

function connectOne(job: ChatConnectJob, spec: ChatConnectJob['clients'][number]): Promise<ClientState> {
  return new Promise((resolve, reject) => {
    const scope = `channel:${spec.channelId}`;
    const socket = io(job.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: 30_000,
      ...(spec.token ? { auth: { token: spec.token } } : {}),
    });
    const client: ClientState = {
      socket,
      channelId: spec.channelId,
      scope,
      recv: new SeqTimes(0),
      lastSeq: 0,
    };
    socket.on('change', (change: Change) => onChange(job.mode, client, change));
    socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
    socket.once('connect', () => {
      const request =
        job.mode === 'muster'
          ? socket.timeout(30_000).emitWithAck('subscribe', { scopes: [scope] })
          : socket.timeout(30_000).emitWithAck('join', { rooms: [scope] });
      request.then(
        (ack: { ok: boolean; heads?: Record<string, number> }) => {
          if (!ack.ok || (job.mode === 'muster' && !(ack.heads && scope in ack.heads))) {
            socket.close();
            reject(new Error(`subscribe refused: ${JSON.stringify(ack)}`));
            return;
          }
          client.lastSeq = ack.heads?.[scope] ?? 0;
          resolve(client);
        },
        (error: Error) => {
          socket.close();
          reject(new Error(`subscribe: ${error.message}`));
        },
      );
    });
  });
}

async function connectAll(job: ChatConnectJob) {
  const started = nowMs();
  const clients: ClientState[] = new Array(job.clients.length);
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < job.clients.length) {
      const i = next++;
      const spec = job.clients[i]!;
      for (let attempt = 1; ; attempt++) {
        try {
          clients[i] = await connectOne(job, spec);
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
  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.clients.length) }, worker));
  const connected = clients.filter(Boolean);
  const channels = new Map<string, ChannelState>();
  for (const c of connected) {
    const channel = channels.get(c.channelId) ?? { members: 0, head: 0, idBySeq: new Map(), acked: 0 };
    channel.members++;
    channel.head = Math.max(channel.head, c.lastSeq);
    channels.set(c.channelId, channel);
  }
  systems.set(job.mode, { clients: connected, channels });
  return {
    connected: connected.length,
    failed: errors.length,
    errors: errors.slice(0, 5),
    ms: nowMs() - started,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runPhase(job: ChatRunJob): Promise<ChatRunResult> {
  const system = systems.get(job.mode);
  if (!system) throw new Error(`${job.mode}: not connected`);
  const { clients, channels } = system;
  // Each run starts after everything earlier runs produced: older stragglers are ignored.
  for (const channel of channels.values()) {
    channel.idBySeq = new Map();
    channel.acked = 0;
  }
  for (const c of clients) {
    const channel = channels.get(c.channelId)!;
    c.recv = new SeqTimes(channel.head);
    c.lastSeq = channel.head;
  }
  const state = {
    mode: job.mode,
    sent: new Map<string, SentRecord>(),
    delivered: 0,
    duplicates: 0,
    outOfOrder: 0,
  };
  run = state;
  const errors: Record<string, number> = {};
  const ackHistogram = new Histogram();
  const sendLag = new Histogram();
  const messages: AckedMessage[] = [];
  let acked = 0;
  let answered = 0;
  const total = Math.round((job.rate * job.durationMs) / 1000);
  const filler = 'x'.repeat(Math.max(0, job.bodyBytes - 40));
  const eluStart = performance.eventLoopUtilization();
  const start = nowMs();
  const interval = 1000 / job.rate;

  const send = (k: number) => {
    const client = clients[k % clients.length]!;
    const clientMsgId = `${job.tag}-${k}`;
    const record: SentRecord = { sentAt: nowMs(), channelId: client.channelId };
    sendLag.add(record.sentAt - (start + k * interval));
    state.sent.set(clientMsgId, record);
    const body = `message ${k} from client ${k % clients.length} ${filler}`;
    const payload =
      job.mode === 'muster'
        ? { channelId: client.channelId, clientMsgId, body }
        : { room: client.scope, clientMsgId, body };
    client.socket
      .timeout(15_000)
      .emit(
        job.mode === 'muster' ? 'message.send' : 'send',
        payload,
        (error: Error | null, ack?: { ok: boolean; seq?: number; id?: string; code?: string }) => {
          answered++;
          if (error || !ack?.ok || ack.seq === undefined || ack.id === undefined) {
            const code = error ? 'ack_timeout' : (ack?.code ?? 'bad_ack');
            errors[code] = (errors[code] ?? 0) + 1;
            return;
          }
          record.ackAt = nowMs();
          ackHistogram.add(record.ackAt - record.sentAt);
          acked++;
          const channel = channels.get(client.channelId)!;
          channel.acked++;
          if (ack.seq > channel.head) channel.head = ack.seq;
          if (!channel.idBySeq.has(ack.seq)) channel.idBySeq.set(ack.seq, clientMsgId);
          messages.push({ channelId: client.channelId, seq: ack.seq, id: ack.id, clientMsgId });
        },
      );
  };

  // Open loop: every tick sends whatever is due by now, however the server is coping (up to the guard).
  let k = 0;
  let stoppedAfterMs: number | undefined;
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (k - answered > job.maxOutstanding) {
        stoppedAfterMs = nowMs() - start;
        return resolve();
      }
      const due = Math.min(total, Math.floor((nowMs() - start) / interval) + 1);
      while (k < due) send(k++);
      if (k < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });

  // Drain: every send answered and every acked message at every member of its channel.
  const expected = () => {
    let sum = 0;
    for (const channel of channels.values()) sum += channel.acked * channel.members;
    return sum;
  };
  const sendEnd = nowMs();
  let drainTimedOut = false;
  while (answered < k || state.delivered < expected()) {
    if (nowMs() - sendEnd > job.drainMs) {
      drainTimedOut = true;
      break;
    }
    await sleep(20);
  }
  const drainedMs = nowMs() - sendEnd;
  run = undefined;

  // Latency sender → each receiver, for every push of a message this run sent.
  const delivery = new Histogram();
  let lost = 0;
  let pushedWithoutAck = 0;
  const ackedSeqs = new Map<string, Set<number>>();
  for (const m of messages) {
    const set = ackedSeqs.get(m.channelId) ?? new Set<number>();
    set.add(m.seq);
    ackedSeqs.set(m.channelId, set);
  }
  let deliveredAcked = 0;
  for (const c of clients) {
    const channel = channels.get(c.channelId)!;
    const seqs = ackedSeqs.get(c.channelId) ?? new Set<number>();
    for (const seq of seqs) {
      if (c.recv.get(seq)) deliveredAcked++;
      else lost++;
    }
    for (const [seq, t] of c.recv.entries()) {
      const id = channel.idBySeq.get(seq);
      const sent = id ? state.sent.get(id) : undefined;
      if (sent) delivery.add(t - sent.sentAt);
    }
  }
  for (const [channelId, channel] of channels) {
    const seqs = ackedSeqs.get(channelId) ?? new Set<number>();
    for (const seq of channel.idBySeq.keys()) if (!seqs.has(seq)) pushedWithoutAck++;
  }
  return {
    offered: total,
    sent: k,
    ...(stoppedAfterMs !== undefined ? { stoppedAfterMs } : {}),
    acked,
    errors,
    ack: ackHistogram.toJSON(),
    delivery: delivery.toJSON(),
    sendLag: sendLag.toJSON(),
    expectedDeliveries: expected(),
    delivered: deliveredAcked,
    pushes: state.delivered,
    lost,
    duplicates: state.duplicates,
    outOfOrder: state.outOfOrder,
    pushedWithoutAck,
    elu: performance.eventLoopUtilization(eluStart).utilization,
    ms: nowMs() - start,
    drainedMs,
    drainTimedOut,
    messages,
  };
}

serveParent({
  connect: (message) => connectAll(message as unknown as ChatConnectJob),
  run: (message) => runPhase(message as unknown as ChatRunJob),
  close: async () => {
    for (const system of systems.values()) for (const c of system.clients) c.socket.close();
    systems.clear();
    await sleep(300);
    return {};
  },
});
