/**
 * What the `chat` coordinator (bench/chat.ts) and its load processes (bench/lib/chat-load.ts) send
 * each other over IPC: the jobs it hands out and the results they answer.
 */
import type { HistogramJson } from './histogram.ts';

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

/** A load process's answer to `connect`. */
export interface ChatConnectAnswer {
  connected: number;
  failed: number;
  errors: string[];
  ms: number;
}
