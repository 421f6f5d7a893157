/**
 * One open-loop send phase of a `chat` load process, step by step: reset the clients to the
 * channels' heads, send on schedule whatever the acks do, drain (every send answered, every acked
 * message at every member, bounded), then tally latency, loss and pushes nobody acked.
 */

import { type ClientState, SeqTimes, type SystemState } from './chat-clients.ts';
import type { AckedMessage, ChatMode, ChatRunJob } from './chat-protocol.ts';
import { nowMs } from './clock.ts';
import { Histogram } from './histogram.ts';

export interface SentRecord {
  sentAt: number;
  channelId: string;
  ackAt?: number;
}

/** What the current run has seen: its sends, and the pushes the clients' handlers counted. */
export interface RunState {
  mode: ChatMode;
  sent: Map<string, SentRecord>;
  delivered: number;
  duplicates: number;
  outOfOrder: number;
}

export interface Acks {
  acked: number;
  answered: number;
  /** Refusals and timeouts by code. */
  errors: Record<string, number>;
  histogram: Histogram;
  messages: AckedMessage[];
}

interface Sender {
  job: ChatRunJob;
  system: SystemState;
  state: RunState;
  acks: Acks;
  sendLag: Histogram;
  start: number;
  interval: number;
  filler: string;
}

/** A send's ack: `{ok, id, seq}`, or a refusal with its code. */
type Ack = { ok: boolean; seq?: number; id?: string; code?: string };

const ACK_TIMEOUT_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each run starts after everything earlier runs produced: older stragglers are ignored. */
export function startRun(system: SystemState, mode: ChatMode): RunState {
  for (const channel of system.channels.values()) {
    channel.idBySeq = new Map();
    channel.acked = 0;
  }
  for (const c of system.clients) {
    const channel = system.channels.get(c.channelId)!;
    c.recv = new SeqTimes(channel.head);
    c.lastSeq = channel.head;
  }
  return { mode, sent: new Map(), delivered: 0, duplicates: 0, outOfOrder: 0 };
}

function onAck(
  s: Sender,
  client: ClientState,
  clientMsgId: string,
  record: SentRecord,
  error: Error | null,
  ack?: Ack,
): void {
  s.acks.answered++;
  if (error || !ack?.ok || ack.seq === undefined || ack.id === undefined) {
    const code = error ? 'ack_timeout' : (ack?.code ?? 'bad_ack');
    s.acks.errors[code] = (s.acks.errors[code] ?? 0) + 1;
    return;
  }
  record.ackAt = nowMs();
  s.acks.histogram.add(record.ackAt - record.sentAt);
  s.acks.acked++;
  const channel = s.system.channels.get(client.channelId)!;
  channel.acked++;
  if (ack.seq > channel.head) channel.head = ack.seq;
  if (!channel.idBySeq.has(ack.seq)) channel.idBySeq.set(ack.seq, clientMsgId);
  s.acks.messages.push({ channelId: client.channelId, seq: ack.seq, id: ack.id, clientMsgId });
}

/** Message `k` goes out from client `k mod clients`, however late the scheduler is. */
function send(s: Sender, k: number): void {
  const { clients } = s.system;
  const client = clients[k % clients.length]!;
  const clientMsgId = `${s.job.tag}-${k}`;
  const record: SentRecord = { sentAt: nowMs(), channelId: client.channelId };
  s.sendLag.add(record.sentAt - (s.start + k * s.interval));
  s.state.sent.set(clientMsgId, record);
  const body = `message ${k} from client ${k % clients.length} ${s.filler}`;
  const muster = s.job.mode === 'muster';
  const payload = muster
    ? { channelId: client.channelId, clientMsgId, body }
    : { room: client.scope, clientMsgId, body };
  client.socket
    .timeout(ACK_TIMEOUT_MS)
    .emit(muster ? 'message.send' : 'send', payload, (error: Error | null, ack?: Ack) =>
      onAck(s, client, clientMsgId, record, error, ack),
    );
}

/**
 * Open loop: every tick sends whatever is due by now, however the server is coping, until the
 * phase's messages are out or `maxOutstanding` sends are unanswered (the overload guard).
 */
export async function sendOpenLoop(job: ChatRunJob, system: SystemState, state: RunState) {
  const s: Sender = {
    job,
    system,
    state,
    acks: { acked: 0, answered: 0, errors: {}, histogram: new Histogram(), messages: [] },
    sendLag: new Histogram(),
    start: nowMs(),
    interval: 1000 / job.rate,
    filler: 'x'.repeat(Math.max(0, job.bodyBytes - 40)),
  };
  const total = Math.round((job.rate * job.durationMs) / 1000);
  let k = 0;
  let stoppedAfterMs: number | undefined;
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (k - s.acks.answered > job.maxOutstanding) {
        stoppedAfterMs = nowMs() - s.start;
        return resolve();
      }
      const due = Math.min(total, Math.floor((nowMs() - s.start) / s.interval) + 1);
      while (k < due) send(s, k++);
      if (k < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  return { start: s.start, total, sent: k, stoppedAfterMs, acks: s.acks, sendLag: s.sendLag };
}

/** Acked messages × members of their channel. */
export function expectedDeliveries(system: SystemState): number {
  let sum = 0;
  for (const channel of system.channels.values()) sum += channel.acked * channel.members;
  return sum;
}

/** Waits until every send is answered and every acked message reached every member, or `drainMs` passes. */
export async function drain(job: ChatRunJob, system: SystemState, state: RunState, acks: Acks, sent: number) {
  const sendEnd = nowMs();
  let drainTimedOut = false;
  while (acks.answered < sent || state.delivered < expectedDeliveries(system)) {
    if (nowMs() - sendEnd > job.drainMs) {
      drainTimedOut = true;
      break;
    }
    await sleep(20);
  }
  return { drainedMs: nowMs() - sendEnd, drainTimedOut };
}

/** Latency sender → each receiver for every push of a message this run sent; acked messages a member never got. */
export function tally(system: SystemState, state: RunState, messages: AckedMessage[]) {
  const delivery = new Histogram();
  let lost = 0;
  let deliveredAcked = 0;
  let pushedWithoutAck = 0;
  const ackedSeqs = new Map<string, Set<number>>();
  for (const m of messages) {
    const set = ackedSeqs.get(m.channelId) ?? new Set<number>();
    set.add(m.seq);
    ackedSeqs.set(m.channelId, set);
  }
  for (const c of system.clients) {
    const channel = system.channels.get(c.channelId)!;
    for (const seq of ackedSeqs.get(c.channelId) ?? []) {
      if (c.recv.get(seq)) deliveredAcked++;
      else lost++;
    }
    for (const [seq, t] of c.recv.entries()) {
      const id = channel.idBySeq.get(seq);
      const sent = id ? state.sent.get(id) : undefined;
      if (sent) delivery.add(t - sent.sentAt);
    }
  }
  for (const [channelId, channel] of system.channels) {
    const seqs = ackedSeqs.get(channelId) ?? new Set<number>();
    for (const seq of channel.idBySeq.keys()) if (!seqs.has(seq)) pushedWithoutAck++;
  }
  return { delivery, lost, deliveredAcked, pushedWithoutAck };
}
