/** What reached the devices in `bench notify`: duplicates, quiet-hour breaches, critical latency, pushes per kind. */
import type { PushPayload } from '@muster/protocol';
import type { ReceivedPush } from '../../apps/server/test/fake-push/index.ts';
import type { PushKind } from './notify-workload.ts';

/** A critical item: the `ordinal`-th under `tag` for `user`, written at `at` (monotonic ms). */
export interface CriticalItem {
  user: number;
  tag: string;
  ordinal: number;
  at: number;
  kind: 'dms' | 'agenda';
  /** The person had the app on screen when it was written: no push is expected (by design). */
  onScreen: boolean;
}

export interface AnalysisInput {
  received: readonly ReceivedPush[];
  /** Opens a push's body with the device's keys. */
  decrypt(user: number, body: Buffer): string;
  /** Wall-clock ms (`receivedAt`) to the monotonic clock the writes were timed with. */
  toMonotonic(wallMs: number): number;
  critical: readonly CriticalItem[];
  quiet: ReadonlySet<number>;
  kindOf(url: string): PushKind;
}

/**
 * Decrypts every push once. A duplicate is a second push with the same user, topic, count and
 * content. A critical item is covered by the first push under its tag whose count reaches it; one
 * for someone with the app on screen is not expected (no push by design).
 */
export function analysePushes(input: AnalysisInput) {
  const byUser = new Map<number, { payload: PushPayload; at: number; topic: string }[]>();
  const seen = new Set<string>();
  const perKind = new Map<PushKind, number>();
  let duplicates = 0;
  for (const r of input.received) {
    const user = Number(r.endpointName.slice(2));
    const payload = JSON.parse(input.decrypt(user, r.body)) as PushPayload;
    const key = `${user}:${r.topic}:${payload.count}:${payload.id}:${payload.title}`;
    if (seen.has(key)) duplicates++;
    seen.add(key);
    const kind = input.kindOf(payload.url);
    perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
    if (!byUser.has(user)) byUser.set(user, []);
    byUser.get(user)!.push({ payload, at: input.toMonotonic(r.receivedAt), topic: r.topic ?? '' });
  }
  const criticalTags = new Set(input.critical.map((c) => c.tag));
  const quietViolations = [...byUser].filter(
    ([user, pushes]) => input.quiet.has(user) && pushes.some((x) => !criticalTags.has(x.topic)),
  ).length;
  const latencies: number[] = [];
  const latencyByKind = new Map<CriticalItem['kind'], number[]>();
  let uncovered = 0;
  for (const c of input.critical) {
    if (c.onScreen) continue;
    const hit = (byUser.get(c.user) ?? []).find(
      (x) => x.topic === c.tag && x.payload.count >= c.ordinal && x.at >= c.at - 50,
    );
    if (hit) {
      const latency = Math.max(0, hit.at - c.at);
      latencies.push(latency);
      latencyByKind.set(c.kind, [...(latencyByKind.get(c.kind) ?? []), latency]);
    } else uncovered++;
  }
  return { duplicates, quietViolations, latencies, latencyByKind, uncovered, perKind };
}
