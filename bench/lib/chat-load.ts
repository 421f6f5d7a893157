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
 *
 * Requests (child.ts): `connect` (ChatConnectJob) → ChatConnectAnswer; `run` (ChatRunJob) →
 * ChatRunResult; `close`. The jobs and results are in chat-protocol.ts.
 */

import { type Change, type ClientState, connectSystem, type SystemState } from './chat-clients.ts';
import {
  drain,
  expectedDeliveries,
  type RunState,
  sendOpenLoop,
  startRun,
  tally,
} from './chat-load-phase.ts';
import type { ChatConnectJob, ChatMode, ChatRunJob, ChatRunResult } from './chat-protocol.ts';
import { serveParent } from './child.ts';
import { nowMs } from './clock.ts';

const ENTITY = 'messaging.messageSent';

const systems = new Map<ChatMode, SystemState>();
/** The phase under way, if any: pushes outside a phase only move the channel heads. */
let run: RunState | undefined;

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

async function connect(job: ChatConnectJob) {
  const { system, answer } = await connectSystem(job, (client, change) => onChange(job.mode, client, change));
  systems.set(job.mode, system);
  return answer;
}

async function runPhase(job: ChatRunJob): Promise<ChatRunResult> {
  const system = systems.get(job.mode);
  if (!system) throw new Error(`${job.mode}: not connected`);
  const state = startRun(system, job.mode);
  run = state;
  const eluStart = performance.eventLoopUtilization();
  const sending = await sendOpenLoop(job, system, state);
  const { acks } = sending;
  const drained = await drain(job, system, state, acks, sending.sent);
  run = undefined;
  const counts = tally(system, state, acks.messages);
  return {
    offered: sending.total,
    sent: sending.sent,
    ...(sending.stoppedAfterMs !== undefined ? { stoppedAfterMs: sending.stoppedAfterMs } : {}),
    acked: acks.acked,
    errors: acks.errors,
    ack: acks.histogram.toJSON(),
    delivery: counts.delivery.toJSON(),
    sendLag: sending.sendLag.toJSON(),
    expectedDeliveries: expectedDeliveries(system),
    delivered: counts.deliveredAcked,
    pushes: state.delivered,
    lost: counts.lost,
    duplicates: state.duplicates,
    outOfOrder: state.outOfOrder,
    pushedWithoutAck: counts.pushedWithoutAck,
    elu: performance.eventLoopUtilization(eluStart).utilization,
    ms: nowMs() - sending.start,
    ...drained,
    messages: acks.messages,
  };
}

serveParent({
  connect: (message) => connect(message as unknown as ChatConnectJob),
  run: (message) => runPhase(message as unknown as ChatRunJob),
  close: async () => {
    for (const system of systems.values()) for (const c of system.clients) c.socket.close();
    systems.clear();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return {};
  },
});
