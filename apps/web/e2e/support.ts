/**
 * Helpers of the browser specs: the server's URL, users and events made through the real API,
 * and phones (browser contexts with the phone profile) signed in through the real UI.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Event, Session } from '@muster/protocol';
import { type Browser, type BrowserContext, devices, expect, type Page } from '@playwright/test';

export function serverUrl(): string {
  const url = process.env.MUSTER_E2E_URL;
  if (!url)
    throw new Error(
      'MUSTER_E2E_URL is unset: run the specs with `npx playwright test` (global setup starts the server)',
    );
  return url;
}

export interface TestUser {
  id: string;
  name: string;
  email: string;
  password: string;
  token: string;
}

/** Each run registers from its own addresses (RFC 2544 range), clear of the per-address sign-up limit. */
const forwardedFor = () => `198.18.${randomInt(0, 256)}.${randomInt(1, 255)}`;

export async function call<T>(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<T> {
  const res = await fetch(serverUrl() + path, {
    method,
    headers: {
      'x-forwarded-for': forwardedFor(),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function registerUser(name: string): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${randomBytes(4).toString('hex')}@e2e.muster.dev`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const result = await call<{ user: { id: string }; accessToken: string }>(
    'POST',
    '/api/v1/auth/register',
    null,
    {
      email,
      password,
      name,
    },
  );
  return { id: result.user.id, name, email, password, token: result.accessToken };
}

/** A published event with sessions (one hour each, from 09:00 UTC tomorrow, in the rooms given). */
export async function publishedEvent(
  organiser: TestUser,
  sessions: { title: string; room: string; track?: string; hour?: number }[],
): Promise<{ event: Event; sessions: Session[] }> {
  const community = await call<{ id: string }>('POST', '/api/v1/communities', organiser.token, {
    name: `Community ${randomBytes(3).toString('hex')}`,
  });
  const day = new Date(Date.now() + 86_400_000);
  const at = (hour: number) =>
    new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hour)).toISOString();
  const event = await call<Event>('POST', '/api/v1/events', organiser.token, {
    communityId: community.id,
    title: `E2E Conf ${randomBytes(3).toString('hex')}`,
    startsAt: at(8),
    endsAt: at(20),
    timezone: 'UTC',
    venue: 'Test Hall',
    visibility: 'public',
  });
  const created: Session[] = [];
  for (const [i, s] of sessions.entries()) {
    const hour = s.hour ?? 9 + i;
    created.push(
      await call<Session>('POST', `/api/v1/events/${event.id}/sessions`, organiser.token, {
        title: s.title,
        startsAt: at(hour),
        endsAt: at(hour + 1),
        room: s.room,
        ...(s.track ? { track: s.track } : {}),
      }),
    );
  }
  await call('POST', `/api/v1/events/${event.id}/publish`, organiser.token);
  return { event, sessions: created };
}

/** A new browser context with the phone profile (viewport, touch, mobile UA) on the test server. */
export async function phone(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ ...devices['Pixel 7'], baseURL: serverUrl() });
  // Uncaught errors in the app end up in the test's output.
  context.on('weberror', (error) => console.error(`[browser] ${error.error().stack ?? error.error()}`));
  context.on('console', (message) => {
    // Requests failing while a spec has the context offline are expected, not news.
    if (message.type() !== 'error' || message.text().includes('ERR_INTERNET_DISCONNECTED')) return;
    void Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => '?'))).then((args) =>
      console.error(
        `[browser console] ${message.text()} ${args.slice(1).map(String).join(' ').slice(0, 2000)}`,
      ),
    );
  });
  return context;
}

/** Signs in through the sign-in screen and waits for the signed-in home screen. */
export async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto('/');
  await page.getByLabel('E-mail').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Events' })).toBeVisible();
}

/** Waits until the service worker controls the page (after that, a reload works offline). */
export async function serviceWorkerReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
    );
  });
}

/**
 * Waits until the app has saved its local state to IndexedDB with `scope` followed (the store saves
 * a moment after each change): after that, a reload offline finds it.
 */
export async function savedFollowing(page: Page, userId: string, scope: string): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          ({ key, scope }) =>
            new Promise<boolean>((resolve) => {
              const open = indexedDB.open('muster');
              open.onsuccess = () => {
                const get = open.result.transaction('kv', 'readonly').objectStore('kv').get(key);
                get.onsuccess = () => {
                  const follows = (get.result as { follows?: string[] } | undefined)?.follows ?? [];
                  open.result.close();
                  resolve(follows.includes(scope));
                };
                get.onerror = () => resolve(false);
              };
              open.onerror = () => resolve(false);
            }),
          { key: `state:${userId}`, scope },
        ),
      { message: `local state of ${userId} saved with ${scope}` },
    )
    .toBe(true);
}
