/** The busy hour of `bench notify`: what happens when, and who a naive pipeline would push it to. */
import { createHash } from 'node:crypto';

export const CHANNELS = 4;
export const SESSIONS = 20;

/** The server's Topic for a group (notifications.push.ts): sha256 of `<category>:<group>`, 32 chars. */
export const topicOf = (category: string, group: string) =>
  createHash('sha256').update(`${category}:${group}`).digest('base64url').slice(0, 32);

export const rand = (n: number) => Math.floor(Math.random() * n);

/** One thing the hour makes happen, at `at` ms from the start. */
export type Happening =
  | { at: number; kind: 'chat'; sender: number; channel: number; mention: number | null }
  | { at: number; kind: 'dm'; pair: number; from: 0 | 1 }
  | { at: number; kind: 'announcement' }
  | { at: number; kind: 'agenda'; session: number };

export interface Workload {
  n: number;
  messages: number;
  dms: number;
  durationMs: number;
}

/** Chat evenly over the hour (10 % with a mention), DMs in bursts of five, 5 announcements, 20 session changes. */
export function schedule(p: Workload): Happening[] {
  const d = p.durationMs;
  const out: Happening[] = [];
  for (let i = 0; i < p.messages; i++)
    out.push({
      at: (i / p.messages) * d,
      kind: 'chat',
      sender: rand(p.n),
      channel: rand(CHANNELS),
      mention: Math.random() < 0.1 ? rand(p.n) : null,
    });
  const pairs = p.dms / 10;
  for (let pair = 0; pair < pairs; pair++)
    for (const burst of [0.1 + Math.random() * 0.35, 0.5 + Math.random() * 0.4])
      for (let k = 0; k < 5; k++)
        out.push({ at: burst * d + k * 300, kind: 'dm', pair, from: (k % 2) as 0 | 1 });
  for (let i = 0; i < 5; i++) out.push({ at: ((i + 0.5) / 5) * d, kind: 'announcement' });
  for (let s = 0; s < SESSIONS; s++) out.push({ at: ((s + 0.3) / SESSIONS) * d, kind: 'agenda', session: s });
  return out.sort((a, b) => a.at - b.at);
}

export type PushKind = 'dms' | 'mentions' | 'announcements' | 'agenda' | 'digest';

/**
 * Who the naive peer pushes a happening to, and under which kind: a DM to its recipient, a
 * mention to the mentioned, an announcement or a session change to everyone going; chatter to nobody.
 */
export function naiveRecipients(
  h: Happening,
  pairs: readonly { a: number; b: number }[],
  n: number,
): { kind: PushKind; users: number[] } | null {
  if (h.kind === 'chat') return h.mention === null ? null : { kind: 'mentions', users: [h.mention] };
  if (h.kind === 'dm') {
    const pair = pairs[h.pair]!;
    return { kind: 'dms', users: [h.from === 0 ? pair.b : pair.a] };
  }
  const everyone = Array.from({ length: n }, (_, u) => u);
  return { kind: h.kind === 'announcement' ? 'announcements' : 'agenda', users: everyone };
}
