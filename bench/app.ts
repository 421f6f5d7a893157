/**
 * `app`: the web app's budgets (QUALITY.md, issue 5). Lighthouse (npm `lighthouse`, its default
 * mobile profile: a mid-range phone, 4× CPU slowdown, slow 4G) drives Debian's Chromium against a
 * real server seeded with the demo, and reports performance and accessibility for every main screen
 * (issue 12): sign-in on a cold visit, each screen of a signed-in attendee, and the organiser's
 * screens signed in as the demo organiser (a second browser profile). Also prints the initial
 * JavaScript (gzip) that index.html loads. Targets: performance ≥ 90, accessibility ≥ 95,
 * JavaScript ≤ 150 KB gzip.
 *
 * Flags: `--runs=N` audits each page N times and keeps the median (default 1).
 */
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startE2eServer } from '../scripts/app-server.ts';
import { INITIAL_JS_BUDGET_BYTES, initialJs, kb } from '../scripts/web-budget.ts';
import { demoLogin, seedChannel, signInAndCollect } from './lib/app-screens.ts';
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
  const chromes: chromeLauncher.LaunchedChrome[] = [];
  try {
    const js = initialJs();
    const auditRuns = async (port: number, name: string, url: string) => {
      const screenRuns: Audit[] = [];
      for (let i = 0; i < runs; i++) screenRuns.push(await audit(port, url, name));
      return medianAudit(screenRuns);
    };
    await seedChannel(server.url, demoLogin(server.output(), 'organiser'));
    const audits: Audit[] = [];
    // Each account in its own browser profile, so the audits run signed in as that account.
    for (const as of ['attendee', 'organiser'] as const) {
      const chrome = await chromeLauncher.launch({
        chromePath: CHROMIUM,
        chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      });
      chromes.push(chrome);
      if (as === 'attendee') audits.push(await auditRuns(chrome.port, 'sign-in', `${server.url}/`));
      const login = demoLogin(server.output(), as);
      const screens = await signInAndCollect(chrome.port, server.url, login, as);
      for (const [name, url] of screens) audits.push(await auditRuns(chrome.port, name, url));
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
    for (const chrome of chromes) chrome.kill();
    await server.stop();
  }
}
