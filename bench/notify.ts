/**
 * `notify`: a busy hour for 1,000 attendees through the notification pipeline, played 15× faster
 * (`--scale`, NOTIFY_TIME_SCALE: every window, cap and digest of the pipeline shrinks alike, so an
 * hour takes four minutes; at 30× its 180 writes a second are as many as the embedded database
 * serves at all — docs/performance.md, chat — and the bench would measure that, not the pipeline)
 * — 20,000 chat messages in four channels (10 % mention someone), 2,000 DMs in
 * 200 conversations (in bursts of five), 5 announcements, 20 agenda changes (half to sessions that
 * start within 2 hours). Everyone is going and has one device subscribed at a local push service
 * (the fake that checks VAPID); each bookmarked two sessions; 10 % have quiet hours now; a quarter
 * have the app open all hour (a visible socket); the others never open it, even to write a DM (which
 * overstates Muster's DM pushes: a sender's own device would be on screen). Points do not exist
 * yet (issue 16). (QUALITY.md: ≥ 70 % fewer
 * pushes than naive, every critical item pushed ≤ 5 s p95, nothing but critical in quiet hours,
 * 0 duplicates.)
 *
 * Peer, in the same run after Muster's hour: a naive pipeline that pushes every one of those events
 * to every interested device at once (a DM to its recipient, a mention to the mentioned, an
 * announcement and an agenda change to everyone going), encrypted and signed the same way.
 *
 * Critical latency: from the answer to the write (a DM, a session change) to the first push that
 * covers it — for the k-th DM of a conversation, the first push under its tag whose count is ≥ k;
 * an item for someone on screen when it was written expects no push and is not timed.
 * E-mail: digests go to verified addresses only; on PostgreSQL the bench verifies everyone through
 * SQL and counts the digest mails queued; on PGlite (inside the server process) it cannot.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import webpush from 'web-push';
import { createSubscriptionKeys, startFakePushService } from '../apps/server/test/fake-push/index.ts';
import { call, pool } from './lib/api.ts';
import { Cleanup } from './lib/cleanup.ts';
import { nowMs } from './lib/clock.ts';
import { benchSocket, whenConnected } from './lib/connect.ts';
import { analysePushes, type CriticalItem } from './lib/notify-analysis.ts';
import { digestMails, verifyEveryone } from './lib/notify-mail.ts';
import {
  CHANNELS,
  naiveRecipients,
  type PushKind,
  rand,
  SESSIONS,
  schedule,
  topicOf,
} from './lib/notify-workload.ts';
import { printTable, verdict, writeResult } from './lib/results.ts';
import { type BenchUser, registerUsers } from './lib/setup.ts';
import { ms, summarize } from './lib/stats.ts';
import { benchDb, startTargetServer } from './lib/target-server.ts';

const CONCURRENCY = 16;

function parseNotifyArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      attendees: { type: 'string', default: '1000' },
      messages: { type: 'string', default: '20000' },
      dms: { type: 'string', default: '2000' },
      db: { type: 'string', default: 'pglite' },
      scale: { type: 'string', default: '15' },
    },
  });
  const n = Number(values.attendees);
  const messages = Number(values.messages);
  const dms = Number(values.dms);
  if (!Number.isInteger(n) || n < 20 || n > 5000) throw new Error('--attendees must be 20..5000');
  if (!Number.isInteger(messages) || messages < 0) throw new Error('--messages must be ≥ 0');
  if (!Number.isInteger(dms) || dms < 0 || dms % 10) throw new Error('--dms must be a multiple of 10');
  const scale = Number(values.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > 60) throw new Error('--scale must be 1..60');
  return { n, messages, dms, scale, db: benchDb(values.db), durationMs: 3_600_000 / scale };
}

interface Device {
  user: BenchUser;
  decrypt(body: Buffer): string;
  keys: { p256dh: string; auth: string };
  quiet: boolean;
  subscriptionId: string;
}

export async function main(args: string[]): Promise<number> {
  const params = parseNotifyArgs(args);
  const cleanup = new Cleanup();
  try {
    return await run(params, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function run(p: ReturnType<typeof parseNotifyArgs>, cleanup: Cleanup): Promise<number> {
  const push = await startFakePushService();
  cleanup.add('stop the push service', () => push.close());
  const server = await startTargetServer('notify', p.db, cleanup, { NOTIFY_TIME_SCALE: String(p.scale) });
  const base = server.url;
  const label = `notify-${randomUUID().slice(0, 8)}`;
  console.log(`setting up ${p.n} attendees on ${p.db}…`);
  const [organiser, ...people] = await registerUsers(base, label, 0, 1 + p.n);
  const token = organiser!.accessToken;
  const community = await call<{ id: string }>(base, 'POST', '/api/v1/communities', {
    token,
    body: { name: `${label} community` },
  });
  const now = Date.now();
  const event = await call<{ id: string }>(base, 'POST', '/api/v1/events', {
    token,
    body: {
      communityId: community.id,
      title: 'Busy hour',
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 30 * 3_600_000).toISOString(),
      timezone: 'UTC',
      visibility: 'public',
    },
  });
  await call(base, 'POST', `/api/v1/events/${event.id}/publish`, { token });
  // Half the sessions start within the hour (a change to them is critical for who saved them).
  const sessions = await pool([...Array(SESSIONS).keys()], 4, (s) =>
    call<{ id: string }>(base, 'POST', `/api/v1/events/${event.id}/sessions`, {
      token,
      body: {
        title: `Session ${s}`,
        startsAt: new Date(now + (s % 2 ? 20 : 1) * 3_600_000 + s * 60_000).toISOString(),
        endsAt: new Date(now + (s % 2 ? 21 : 2) * 3_600_000 + s * 60_000).toISOString(),
        room: `Room ${s}`,
      },
    }),
  );
  const channels = await pool([...Array(CHANNELS).keys()], 2, (c) =>
    call<{ id: string }>(base, 'POST', `/api/v1/events/${event.id}/channels`, {
      token,
      body: { kind: 'topic', name: `topic-${c}` },
    }),
  );
  const news = await call<{ id: string }>(base, 'POST', `/api/v1/events/${event.id}/channels`, {
    token,
    body: { kind: 'announcements', name: 'news' },
  });
  const devices: Device[] = await pool(people, CONCURRENCY, async (user, i) => {
    const auth = { token: user.accessToken };
    await call(base, 'PUT', `/api/v1/events/${event.id}/rsvp`, { ...auth, body: { status: 'going' } });
    const device = createSubscriptionKeys();
    const subscription = await call<{ id: string }>(base, 'POST', '/api/v1/me/push-subscriptions', {
      ...auth,
      body: { endpoint: push.endpointFor(`m-${i}`), keys: device.keys },
    });
    for (const s of [rand(SESSIONS), rand(SESSIONS)])
      await call(base, 'PUT', `/api/v1/sessions/${sessions[s]!.id}/bookmark`, auth).catch(() => undefined);
    const quiet = i % 10 === 0;
    if (quiet) {
      const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
      await call(base, 'PUT', '/api/v1/me/notification-preferences', {
        ...auth,
        body: {
          quietHours: { start: hhmm(now - 3_600_000), end: hhmm(now + 3 * 3_600_000), timezone: 'UTC' },
        },
      });
    }
    return { user, decrypt: device.decrypt, keys: device.keys, quiet, subscriptionId: subscription.id };
  });
  // A quarter of the room has the app open on its phone: a live, visible socket says so.
  const onScreen = new Set(devices.flatMap((_, i) => (i % 4 === 1 ? [i] : [])));
  const sockets = await pool([...onScreen], CONCURRENCY, async (i) => {
    const device = devices[i]!;
    const socket = benchSocket(base, device.user.accessToken);
    await whenConnected(socket);
    const tell = () =>
      socket
        .timeout(5000)
        .emitWithAck('device.visibility', { visible: true, pushSubscriptionId: device.subscriptionId });
    await tell();
    return { socket, tell };
  });
  const renew = setInterval(() => {
    for (const s of sockets) s.tell().catch(() => undefined);
  }, 60_000);
  cleanup.add('close the on-screen sockets', () => {
    clearInterval(renew);
    for (const s of sockets) s.socket.close();
  });
  // The moderation filters judge real time: 20 messages a person in two minutes is a flood to
  // them, while it is the hour's pace here. They are not what this bench measures.
  await call(base, 'PUT', `/api/v1/events/${event.id}/moderation/settings`, {
    token,
    body: {
      filters: { profanity: false, links: false, flood: false },
      blockedWords: [],
      qnaPremoderation: false,
    },
  });
  const bookmarks = new Map<number, Set<number>>(); // session → attendee indexes, from the server
  await pool(people, CONCURRENCY, async (user, i) => {
    const schedule = await call<{ items: { session: { id: string } }[] }>(
      base,
      'GET',
      '/api/v1/me/schedule',
      {
        token: user.accessToken,
      },
    );
    for (const item of schedule.items) {
      const s = sessions.findIndex((x) => x.id === item.session.id);
      if (!bookmarks.has(s)) bookmarks.set(s, new Set());
      bookmarks.get(s)!.add(i);
    }
  });
  const pairs = await pool([...Array(p.dms / 10).keys()], CONCURRENCY, async (pair) => {
    const a = (pair * 2) % p.n;
    const b = (pair * 2 + 1) % p.n;
    const dm = await call<{ id: string }>(base, 'POST', '/api/v1/dms', {
      token: people[a]!.accessToken,
      body: { userIds: [people[b]!.id] },
    });
    return { a, b, channelId: dm.id };
  });
  if (server.databaseUrl) await verifyEveryone(server.databaseUrl);

  const happenings = schedule(p);
  console.log(`playing ${happenings.length} happenings over ${p.durationMs / 1000} s…`);
  const critical: CriticalItem[] = [];
  const dmOrdinal = new Map<string, number>();
  const start = nowMs();
  const wallStart = Date.now();
  let errors = 0;
  await pool(happenings, 64, async (h) => {
    const wait = start + h.at - nowMs();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      if (h.kind === 'chat') {
        const mention = h.mention === null ? '' : ` @[A ${h.mention}](${people[h.mention]!.id})`;
        await call(base, 'POST', `/api/v1/channels/${channels[h.channel]!.id}/messages`, {
          token: people[h.sender]!.accessToken,
          body: {
            body: `chat message ${h.at.toFixed(0)} from ${h.sender}${mention}`,
            clientMsgId: randomUUID(),
          },
        });
      } else if (h.kind === 'dm') {
        const pair = pairs[h.pair]!;
        const [from, to] = h.from === 0 ? [pair.a, pair.b] : [pair.b, pair.a];
        const key = `${pair.channelId}:${to}`;
        const ordinal = (dmOrdinal.get(key) ?? 0) + 1;
        dmOrdinal.set(key, ordinal);
        await call(base, 'POST', `/api/v1/channels/${pair.channelId}/messages`, {
          token: people[from]!.accessToken,
          body: { body: `direct message ${h.at.toFixed(0)}`, clientMsgId: randomUUID() },
        });
        critical.push({
          user: to,
          tag: topicOf('dms', `channel:${pair.channelId}`),
          ordinal,
          at: nowMs(),
          kind: 'dms',
          onScreen: onScreen.has(to),
        });
      } else if (h.kind === 'announcement') {
        await call(base, 'POST', `/api/v1/channels/${news.id}/messages`, {
          token,
          body: { body: `announcement at ${h.at.toFixed(0)}`, clientMsgId: randomUUID() },
        });
      } else {
        const session = sessions[h.session]!;
        await call(base, 'PATCH', `/api/v1/sessions/${session.id}`, {
          token,
          body: { room: `Hall ${h.session}-${randomUUID().slice(0, 4)}` },
        });
        const at = nowMs();
        if (h.session % 2 === 0)
          for (const user of bookmarks.get(h.session) ?? [])
            critical.push({
              user,
              tag: topicOf('agenda', `session:${session.id}`),
              ordinal: 1,
              at,
              kind: 'agenda',
              onScreen: onScreen.has(user),
            });
      }
    } catch (error) {
      errors++;
      if (errors <= 5) console.error(`happening failed: ${(error as Error).message}`);
    }
  });
  const playedMs = nowMs() - start;
  // What the hour still owes is counted too: the summaries still due and the hourly digest, which
  // goes at the next boundary of the (scaled) hour, as the server's windows are.
  const hour = 3_600_000 / p.scale;
  await new Promise((resolve) => setTimeout(resolve, hour - (Date.now() % hour) + 5_000));
  const mineReceived = push.received.filter((r) => r.endpointName.startsWith('m-'));

  const kindOf = (url: string): PushKind =>
    url === '/inbox'
      ? 'digest'
      : url.startsWith('/sessions/')
        ? 'agenda'
        : url === `/channels/${news.id}`
          ? 'announcements'
          : pairs.some((pair) => url === `/channels/${pair.channelId}`)
            ? 'dms'
            : 'mentions';
  const { duplicates, quietViolations, latencies, latencyByKind, uncovered, perKind } = analysePushes({
    received: mineReceived,
    decrypt: (user, body) => devices[user]!.decrypt(body),
    toMonotonic: (wallMs) => wallMs - wallStart + start,
    critical,
    quiet: new Set(devices.flatMap((d, i) => (d.quiet ? [i] : []))),
    kindOf,
  });
  const mails = server.databaseUrl ? digestMails(server.dataDir) : null;

  // The naive peer: the same happenings, each pushed to every interested device, encrypted and signed.
  const vapid = webpush.generateVAPIDKeys();
  const naiveTargets: number[] = [];
  const naivePerKind = new Map<PushKind, number>();
  for (const h of happenings) {
    const told = naiveRecipients(h, pairs, p.n);
    if (!told) continue;
    naiveTargets.push(...told.users);
    naivePerKind.set(told.kind, (naivePerKind.get(told.kind) ?? 0) + told.users.length);
  }
  const breakdown = (['dms', 'mentions', 'announcements', 'agenda', 'digest'] as const)
    .map((k) => `${k} ${perKind.get(k) ?? 0}/${naivePerKind.get(k) ?? 0}`)
    .join(', ');
  const naiveStart = nowMs();
  await pool(naiveTargets, 32, async (user) => {
    const request = webpush.generateRequestDetails(
      { endpoint: push.endpointFor(`n-${user}`), keys: devices[user]!.keys },
      JSON.stringify({ title: 'naive', body: 'something happened', url: '/' }),
      { vapidDetails: { subject: 'mailto:bench@muster.test', ...vapid }, TTL: 2_419_200 },
    );
    await fetch(request.endpoint, {
      method: 'POST',
      headers: request.headers as Record<string, string>,
      body: request.body as Buffer,
    });
  });
  const naiveMs = nowMs() - naiveStart;
  const naive = push.received.filter((r) => r.endpointName.startsWith('n-')).length;
  const mine = mineReceived.length;
  const reduction = 1 - mine / naive;
  const lat = summarize(latencies);
  const ok = {
    reduction: reduction >= 0.7,
    critical: uncovered === 0 && lat.p95 <= 5000,
    quiet: quietViolations === 0,
    duplicates: duplicates === 0,
  };
  printTable([
    { metric: 'pushes: Muster / naive', value: `${mine} / ${naive}`, target: '', verdict: '' },
    { metric: 'by kind (Muster/naive)', value: breakdown, target: '', verdict: '' },
    {
      metric: 'fewer pushes than naive',
      value: `${(reduction * 100).toFixed(1)} %`,
      target: '≥ 70 %',
      verdict: verdict(ok.reduction),
    },
    {
      metric: `critical pushed (${critical.length} items) p50/p95/max`,
      value: `${ms(lat.p50)} / ${ms(lat.p95)} / ${ms(lat.max)}${uncovered ? `, ${uncovered} never` : ''}`,
      target: 'p95 ≤ 5 s',
      verdict: verdict(ok.critical),
    },
    ...[...latencyByKind].map(([kind, values]) => {
      const of = summarize(values);
      return {
        metric: `  of which ${kind} (${values.length}) p50/p95/max`,
        value: `${ms(of.p50)} / ${ms(of.p95)} / ${ms(of.max)}`,
        target: '',
        verdict: '',
      };
    }),
    {
      metric: 'non-critical pushes in quiet hours',
      value: quietViolations,
      target: '0',
      verdict: verdict(ok.quiet),
    },
    { metric: 'duplicate pushes', value: duplicates, target: '0', verdict: verdict(ok.duplicates) },
    {
      metric: 'e-mails: Muster digests / naive (a mail per push)',
      value: mails === null ? 'not measured on PGlite' : `${mails} / ${naive}`,
      target: '',
      verdict: '',
    },
    {
      metric: 'hour played in / naive sent in',
      value: `${(playedMs / 1000).toFixed(1)} s / ${(naiveMs / 1000).toFixed(1)} s`,
      target: '',
      verdict: errors ? `${errors} errors` : '',
    },
  ]);
  writeResult('notify', {
    breakdown,
    ...p,
    pushes: mine,
    naive,
    reduction,
    critical: lat,
    uncovered,
    quietViolations,
    duplicates,
    mails,
    errors,
  });
  return Object.values(ok).every(Boolean) && errors === 0 ? 0 : 1;
}
