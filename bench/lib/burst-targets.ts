/**
 * The systems the `burst` benchmark fires at, behind one interface: Muster (the real server
 * process, its form and leads read back through the owner's API) and the two peers
 * (lib/burst-peer.ts, read back over IPC from their own database). Setup here is not timed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MAX_BURST_PER_MINUTE } from '@muster/protocol';
import { call } from './api.ts';
import { FORM_FIELDS } from './burst-form.ts';
import { forkChild } from './child.ts';
import { Cleanup } from './cleanup.ts';
import { scrapeMuster } from './profile.ts';
import { makeTempDir } from './server.ts';
import { createDatabase, createPublishedEvent, registerUsers } from './setup.ts';
import { type BenchDb, startTargetServer } from './target-server.ts';

export type SystemName = 'muster' | 'send' | 'naive' | 'floor';
export const SYSTEM_LABELS: Record<SystemName, string> = {
  muster: 'Muster',
  send: 'pg-boss send',
  naive: 'naive sync',
  floor: 'floor (no DB)',
};

/** Counters for the drain poll; drained when processed + failed ≥ received ≥ accepted. */
export interface Progress {
  received: number;
  processed: number;
  failed: number;
}

/** What the system stored, read back after the drain. */
export interface Stored {
  /** Every stored submission row's id (a duplicate row would appear twice). */
  ids: string[];
  /** Ids of the submissions processed to the end (a lead attached). */
  processedIds: string[];
  failed: number;
  leads: number;
  /** Distinct e-mails among the leads, and among the processed submissions. */
  leadEmails: number;
  submissionEmails: number;
}

export interface Target {
  url: string;
  path: string;
  /** What was set up or raised for the run, printed with the results. */
  notes: string[];
  progress(): Promise<Progress>;
  stored(): Promise<Stored>;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** The organiser's polling and read-back pages are ordinary API calls: lift their per-session limit. */
const HTTP_RATE_LIMIT = '1000000';

export async function startMuster(db: BenchDb, extraEnv: Record<string, string> = {}): Promise<Target> {
  const cleanup = new Cleanup();
  try {
    const env = { HTTP_RATE_LIMIT_PER_MINUTE: HTTP_RATE_LIMIT, ...extraEnv };
    const server = await startTargetServer('burst', db, cleanup, env);
    const [organiser] = await registerUsers(server.url, 'burst-organiser', 0, 1);
    const token = organiser!.accessToken;
    const { communityId, eventId } = await createPublishedEvent(server.url, token, 'Burst bench: live demo');
    const form = await call<{ id: string; burstPerMinute: number }>(server.url, 'POST', '/api/v1/forms', {
      token,
      body: {
        ownerType: 'event',
        ownerId: eventId,
        purpose: 'lead',
        title: 'Leave your details',
        fields: FORM_FIELDS,
        burstPerMinute: MAX_BURST_PER_MINUTE,
      },
    });
    const get = <T>(p: string) => call<T>(server.url, 'GET', p, { token });
    return {
      url: server.url,
      path: `/api/v1/forms/${form.id}/submissions`,
      notes: [
        `Muster form burstPerMinute = ${form.burstPerMinute} (the API's maximum); FORM_SUBMISSIONS_PER_MINUTE left at its default (120,000/min)`,
        `Muster HTTP_RATE_LIMIT_PER_MINUTE = ${HTTP_RATE_LIMIT} for the organiser's polling and read-back (the submission route is exempt from it anyway)`,
        ...Object.entries(extraEnv).map(([k, v]) => `Muster started with ${k}=${v}`),
      ],
      async progress() {
        const f = await get<{ receivedCount?: number; processedCount?: number; failedCount?: number }>(
          `/api/v1/forms/${form.id}`,
        );
        return {
          received: f.receivedCount ?? 0,
          processed: f.processedCount ?? 0,
          failed: f.failedCount ?? 0,
        };
      },
      stored: () => readBackMuster(get, form.id, communityId),
      cpuSeconds: async () => (await scrapeMuster(server.url)).cpuSeconds,
      stop: () => cleanup.run(),
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function pages<T>(get: (p: string) => Promise<Page<T>>, base: string, limit: number): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Page<T> = await get(`${base}?${query}`);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** Every submission through the owner's list, every lead through the community's lead list. */
async function readBackMuster(
  get: <T>(p: string) => Promise<T>,
  formId: string,
  communityId: string,
): Promise<Stored> {
  type Item = { id: string; status: string; leadId: string | null; answers: { email?: string } };
  const items = await pages<Item>(get, `/api/v1/forms/${formId}/submissions`, 500);
  const leads = await pages<{ email: string }>(get, `/api/v1/communities/${communityId}/leads`, 200);
  const processed = items.filter((i) => i.status === 'done' && i.leadId);
  return {
    ids: items.map((i) => i.id),
    processedIds: processed.map((i) => i.id),
    failed: items.filter((i) => i.status === 'failed').length,
    leads: leads.length,
    leadEmails: new Set(leads.map((l) => l.email.toLowerCase())).size,
    submissionEmails: new Set(processed.map((i) => String(i.answers.email).trim().toLowerCase())).size,
  };
}

export async function startPeer(mode: Exclude<SystemName, 'muster'>, db: BenchDb): Promise<Target> {
  const cleanup = new Cleanup();
  try {
    const start: Record<string, string> = {};
    if (mode === 'floor') {
      // no database
    } else if (db === 'postgres') {
      const database = await createDatabase(`muster_bench_burst_${mode}`);
      cleanup.add(`drop database ${database.name}`, () => database.drop());
      start.url = database.url;
    } else {
      const dataDir = makeTempDir(`burst-${mode}`);
      cleanup.add('remove the data directory', () => fs.rmSync(dataDir, { recursive: true, force: true }));
      start.dataDir = path.join(dataDir, 'pglite');
    }
    const peer = forkChild(path.join(import.meta.dirname, 'burst-peer.ts'), [mode, db]);
    cleanup.add('stop the peer', async () => {
      await peer.request('stop', {}, 20_000).catch(() => peer.kill());
      await peer.exited;
    });
    const { port } = await peer.request<{ port: number }>('start', start);
    return {
      url: `http://127.0.0.1:${port}`,
      path: '/api/v1/forms/peer/submissions',
      notes: [],
      async progress() {
        const p = await peer.request<{ processed: number; pending: number; failed: number }>('progress');
        return { received: p.processed + p.pending + p.failed, processed: p.processed, failed: p.failed };
      },
      stored: () => peer.request<Stored>('stored'),
      cpuSeconds: async () => (await peer.request<{ cpuSeconds: number }>('cpu')).cpuSeconds,
      stop: () => cleanup.run(),
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
}
