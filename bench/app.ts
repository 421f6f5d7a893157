/**
 * `app`: the web app's budgets (QUALITY.md, issue 5). Lighthouse (npm `lighthouse`, its default
 * mobile profile: a mid-range phone, 4× CPU slowdown, slow 4G) drives Debian's Chromium against a
 * real server seeded with the demo, and reports performance and accessibility for the first screen
 * (sign-in, a cold visit) and for the agenda of a signed-in attendee. Also prints the initial
 * JavaScript (gzip) that index.html loads. Targets: performance ≥ 90, accessibility ≥ 95,
 * JavaScript ≤ 150 KB gzip.
 *
 * Flags: `--runs=N` audits each page N times and keeps the median (default 1).
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { startE2eServer } from '../scripts/app-server.ts';
import { INITIAL_JS_BUDGET_BYTES, initialJs, kb } from '../scripts/web-budget.ts';
import { printTable, verdict, writeResult } from './lib/results.ts';
import { median } from './lib/stats.ts';

const TARGET_PERFORMANCE = 90;
const TARGET_ACCESSIBILITY = 95;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Audit {
  page: string;
  performance: number;
  accessibility: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
  failedA11y: string[];
}

/** One Lighthouse run on `url` in the given Chromium (storage kept, so a signed-in page stays so). */
async function audit(port: number, url: string, page: string): Promise<Audit> {
  const result = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    disableStorageReset: page !== 'sign-in',
  });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { categories, audits } = result.lhr;
  const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100);
  const numeric = (id: string) => audits[id]?.numericValue ?? Number.NaN;
  const failedA11y = (categories.accessibility?.auditRefs ?? [])
    .filter((ref) => ref.weight > 0 && audits[ref.id]?.score === 0)
    .map((ref) => `${ref.id}: ${audits[ref.id]?.title ?? ''}`);
  return {
    page,
    performance: score('performance'),
    accessibility: score('accessibility'),
    lcpMs: numeric('largest-contentful-paint'),
    tbtMs: numeric('total-blocking-time'),
    cls: numeric('cumulative-layout-shift'),
    failedA11y,
  };
}

/** Signs the demo attendee in through the app in the same browser, so the next audit is signed in. */
async function signIn(
  port: number,
  url: string,
  email: string,
  password: string,
): Promise<{ agenda: string; session: string }> {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('input[type=email]').fill(email);
    await page.locator('input[type=password]').fill(password);
    await page.locator('button[type=submit]').click();
    await page.locator('::-p-text(MusterConf)').click();
    await page.locator('::-p-text(Agenda)').click();
    await page.locator('[data-session-id]').wait();
    const agenda = page.url();
    const sessionPath = await page.$eval('[data-session-id] a', (a) => a.getAttribute('href') ?? '');
    // Let the store reach IndexedDB before the audit opens a fresh page.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await page.close();
    return { agenda, session: new URL(sessionPath, agenda).toString() };
  } finally {
    await browser.disconnect();
  }
}

function demoLogin(output: string): { email: string; password: string } {
  const match = /attendee\s+(attendee@demo\.muster\.dev)\s+(\S+)/.exec(output);
  if (!match) throw new Error(`no demo login in the server output:\n${output}`);
  return { email: match[1]!, password: match[2]! };
}

function medianAudit(runs: Audit[]): Audit {
  const first = runs[0]!;
  return {
    ...first,
    performance: median(runs.map((r) => r.performance)),
    accessibility: median(runs.map((r) => r.accessibility)),
    lcpMs: median(runs.map((r) => r.lcpMs)),
    tbtMs: median(runs.map((r) => r.tbtMs)),
    cls: median(runs.map((r) => r.cls)),
  };
}

export async function main(args: string[]): Promise<number> {
  const runs = Math.max(1, Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 1));
  const server = await startE2eServer({ seed: true });
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const js = initialJs();
    const signInRuns: Audit[] = [];
    for (let i = 0; i < runs; i++) signInRuns.push(await audit(chrome.port, `${server.url}/`, 'sign-in'));
    const login = demoLogin(server.output());
    const urls = await signIn(chrome.port, `${server.url}/`, login.email, login.password);
    const eventUrl = urls.agenda.replace(/\/agenda$/, '');
    // Every main screen, signed in (issue 12): each one a user lands on must keep the budgets.
    const screens: [string, string][] = [
      ['events', `${server.url}/`],
      ['event', eventUrl],
      ['agenda', urls.agenda],
      ['session', urls.session],
      ['now / next', `${eventUrl}/now`],
      ['my schedule', `${server.url}/schedule`],
      ['messages', `${server.url}/messages`],
      ['profile', `${server.url}/profile`],
    ];
    const audits = [medianAudit(signInRuns)];
    for (const [name, url] of screens) {
      const screenRuns: Audit[] = [];
      for (let i = 0; i < runs; i++) screenRuns.push(await audit(chrome.port, url, name));
      audits.push(medianAudit(screenRuns));
    }

    const perfOk = audits.every((a) => a.performance >= TARGET_PERFORMANCE);
    const a11yOk = audits.every((a) => a.accessibility >= TARGET_ACCESSIBILITY);
    const jsOk = js.gzipBytes <= INITIAL_JS_BUDGET_BYTES;
    printTable([
      ...audits.flatMap((a) => [
        {
          measure: `${a.page}: performance`,
          value: a.performance,
          target: `≥ ${TARGET_PERFORMANCE}`,
          result: verdict(a.performance >= TARGET_PERFORMANCE),
        },
        {
          measure: `${a.page}: accessibility`,
          value: a.accessibility,
          target: `≥ ${TARGET_ACCESSIBILITY}`,
          result: verdict(a.accessibility >= TARGET_ACCESSIBILITY),
        },
        {
          measure: `${a.page}: LCP / TBT / CLS`,
          value: `${Math.round(a.lcpMs)} ms / ${Math.round(a.tbtMs)} ms / ${a.cls.toFixed(3)}`,
          target: '',
          result: '',
        },
      ]),
      {
        measure: 'initial JavaScript (gzip)',
        value: kb(js.gzipBytes),
        target: `≤ ${kb(INITIAL_JS_BUDGET_BYTES)}`,
        result: verdict(jsOk),
      },
    ]);
    for (const a of audits)
      for (const failure of a.failedA11y) console.log(`  accessibility, ${a.page}: ${failure}`);
    for (const s of js.scripts) console.log(`  ${s.path}: ${kb(s.gzipBytes)} gzip`);
    writeResult('app', {
      targets: {
        performance: TARGET_PERFORMANCE,
        accessibility: TARGET_ACCESSIBILITY,
        initialJsGzipBytes: INITIAL_JS_BUDGET_BYTES,
      },
      runs,
      audits,
      initialJs: js,
      pass: perfOk && a11yOk && jsOk,
    });
    return perfOk && a11yOk && jsOk ? 0 : 1;
  } finally {
    chrome.kill();
    await server.stop();
  }
}
