/**
 * The `app` bench's way through the app: sign a demo account in through the real sign-in form (so
 * the audits that follow run signed in, on the same browser profile) and collect the addresses of
 * every main screen that account lands on.
 */
import puppeteer, { type Page } from 'puppeteer-core';
import { call } from './api.ts';

export interface Login {
  email: string;
  password: string;
}

/** A demo account's login, as the seeded server printed it (`<role>  <email>  <password>`). */
export function demoLogin(output: string, role: 'attendee' | 'organiser'): Login {
  const match = new RegExp(`${role}\\s+(${role}@demo\\.muster\\.dev)\\s+(\\S+)`).exec(output);
  if (!match) throw new Error(`no demo ${role} login in the server output:\n${output}`);
  return { email: match[1]!, password: match[2]! };
}

/**
 * The demo seeds no channel: the organiser opens a topic channel in MusterConf with a screenful of
 * messages, so "a channel" is audited as people see one, not empty.
 */
export async function seedChannel(base: string, organiser: Login): Promise<void> {
  const { accessToken: token } = await call<{ accessToken: string }>(base, 'POST', '/api/v1/auth/login', {
    body: organiser,
  });
  const events = await call<{ items: { id: string; title: string }[] }>(base, 'GET', '/api/v1/events', {
    token,
  });
  const event = events.items.find((e) => e.title === 'MusterConf');
  if (!event) throw new Error('the demo event MusterConf is missing');
  const channel = await call<{ id: string }>(base, 'POST', `/api/v1/events/${event.id}/channels`, {
    token,
    body: { name: 'hallway', kind: 'topic' },
  });
  for (let i = 1; i <= 20; i++)
    await call(base, 'POST', `/api/v1/channels/${channel.id}/messages`, {
      token,
      body: {
        body: `Hallway note ${i}: where is the coffee for the afternoon sessions?`,
        clientMsgId: `bench-${i}`,
      },
    });
}

/**
 * Signs `login` in at `base` in the Chromium on `port`, opens the demo event's agenda, a session and
 * a channel, and returns each main screen's address: `[name, url]`, attendee's or organiser's.
 */
export async function signInAndCollect(
  port: number,
  base: string,
  login: Login,
  as: 'attendee' | 'organiser',
): Promise<[string, string][]> {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.locator('input[type=email]').fill(login.email);
    await page.locator('input[type=password]').fill(login.password);
    await page.locator('button[type=submit]').click();
    try {
      await page.locator('::-p-text(MusterConf)').click();
      await page.locator('a::-p-text(Agenda)').wait();
    } catch (error) {
      throw new Error(`${login.email} could not sign in and open MusterConf`, { cause: error });
    }
    const event = page.url();
    const sessionPath = await firstHref(page, `${event}/agenda`, '[data-session-id] a');
    const session = new URL(sessionPath, base).toString();
    const channel = new URL(await firstHref(page, `${event}/channels`, 'a[href^="/channels/"]'), base);
    const speaker = new URL(await firstHref(page, `${event}/speakers`, 'a[href*="/speakers/"]'), base);
    // Let the store reach IndexedDB before the audits open fresh pages.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await page.close();
    if (as === 'organiser')
      return [
        ['new event (organiser)', `${base}/events/new`],
        ['edit event (organiser)', `${event}/edit`],
        ['attendees (organiser)', `${event}/attendees`],
        ['new session (organiser)', `${event}/sessions/new`],
        ['edit session (organiser)', `${session}/edit`],
      ];
    return [
      ['events', `${base}/`],
      ['event', event],
      ['agenda', `${event}/agenda`],
      ['session', session],
      ['speakers', `${event}/speakers`],
      ['speaker', speaker.toString()],
      ['people', `${event}/people`],
      ['now / next', `${event}/now`],
      ['my schedule', `${base}/schedule`],
      ['messages', `${base}/messages`],
      ['channels', `${event}/channels`],
      ['channel', channel.toString()],
      ['profile', `${base}/profile`],
    ];
  } finally {
    await browser.disconnect();
  }
}

/** The first `selector` link's href on `url`; a timeout names the page and the selector. */
async function firstHref(page: Page, url: string, selector: string): Promise<string> {
  await page.goto(url);
  try {
    await page.locator(selector).wait();
  } catch (error) {
    throw new Error(`no ${selector} on ${url}`, { cause: error });
  }
  return page.$eval(selector, (a) => a.getAttribute('href') ?? '');
}
