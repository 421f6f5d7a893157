/**
 * What the `chat` coordinator reads back from the server after a Muster phase, through the public
 * API: each channel's log (every acked message exactly once, with its acked seq, no gap) and heads
 * (to tell when an overloaded phase's backlog is done).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { call } from './api.ts';
import type { AckedMessage } from './chat-protocol.ts';

const IDLE_TIMEOUT_MS = 90_000;

export interface Channel {
  id: string;
  /** Token of a member, for reading the channel back (the HTTP limit is per token). */
  reader: string;
}

export interface PersistCheck {
  ok: boolean;
  logMessages: number;
  missing: number;
  wrongSeq: number;
  duplicated: number;
  gaps: number;
  persistedUnacked: number;
}

interface LogItem {
  id: string;
  seq: number;
  clientMsgId: string;
}

/** A channel's messages after seq `after`, paged through `GET /api/v1/channels/:id/messages`. */
async function readLog(base: string, channel: Channel, after: number): Promise<LogItem[]> {
  const items: LogItem[] = [];
  for (;;) {
    const page = await call<{ items: LogItem[]; nextCursor: string | null }>(
      base,
      'GET',
      `/api/v1/channels/${channel.id}/messages?after=${after}&limit=200`,
      { token: channel.reader },
    );
    items.push(...page.items);
    if (!page.nextCursor) return items;
    after = Number(page.nextCursor);
  }
}

/** Adds one channel's log, read after `head`, to `check`. */
function compare(check: PersistCheck, items: LogItem[], head: number, acked: AckedMessage[], tag: string) {
  const ackedById = new Map(acked.map((m) => [m.id, m]));
  check.logMessages += items.length;
  let expectedSeq = head + 1;
  const seenIds = new Map<string, number>();
  const seenClientIds = new Map<string, number>();
  for (const item of items) {
    if (item.seq !== expectedSeq) check.gaps++;
    expectedSeq = item.seq + 1;
    seenIds.set(item.id, (seenIds.get(item.id) ?? 0) + 1);
    seenClientIds.set(item.clientMsgId, (seenClientIds.get(item.clientMsgId) ?? 0) + 1);
    const mine = ackedById.get(item.id);
    if (!mine && item.clientMsgId.startsWith(`${tag}-`)) check.persistedUnacked++;
    if (mine && mine.seq !== item.seq) check.wrongSeq++;
  }
  for (const m of acked) {
    const times = seenIds.get(m.id) ?? 0;
    if (times === 0) check.missing++;
    if (times > 1 || (seenClientIds.get(m.clientMsgId) ?? 0) > 1) check.duplicated++;
  }
}

/** Reads each channel's log after its head before the phase and checks it against what was acked. */
export async function checkPersisted(
  base: string,
  channels: Channel[],
  heads: Map<string, number>,
  acked: AckedMessage[],
  tag: string,
): Promise<PersistCheck> {
  const check: PersistCheck = {
    ok: true,
    logMessages: 0,
    missing: 0,
    wrongSeq: 0,
    duplicated: 0,
    gaps: 0,
    persistedUnacked: 0,
  };
  for (const channel of channels) {
    const head = heads.get(channel.id) ?? 0;
    const items = await readLog(base, channel, head);
    compare(
      check,
      items,
      head,
      acked.filter((m) => m.channelId === channel.id),
      tag,
    );
  }
  check.ok = check.missing === 0 && check.wrongSeq === 0 && check.duplicated === 0 && check.gaps === 0;
  return check;
}

export async function channelHeads(base: string, channels: Channel[]): Promise<Map<string, number>> {
  const heads = new Map<string, number>();
  for (const channel of channels) {
    const page = await call<{ head: number }>(
      base,
      'GET',
      `/api/v1/channels/${channel.id}/messages?limit=1`,
      {
        token: channel.reader,
      },
    );
    heads.set(channel.id, page.head);
  }
  return heads;
}

/** Waits until no channel's head moved for a second: an overloaded phase's backlog is done. */
export async function waitIdle(base: string, channels: Channel[]): Promise<number> {
  const started = performance.now();
  let last = '';
  for (let still = 0; still < 2 && performance.now() - started < IDLE_TIMEOUT_MS; ) {
    const heads = JSON.stringify([...(await channelHeads(base, channels)).values()]);
    still = heads === last ? still + 1 : 0;
    last = heads;
    await sleep(500);
  }
  return performance.now() - started;
}
