/**
 * The browser tier of `npm test`: the Playwright specs of the web app (apps/web/e2e, see
 * playwright.config.ts) in Debian's Chromium. It needs the browser and nothing else (the specs'
 * global setup builds the app if stale and starts a server). `npm run test:browser` runs it alone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const report = path.join(root, '.tmp/playwright.json');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserTier {
  specs: number;
  /** Why it cannot run here (no Chromium), or undefined. */
  missing: string | undefined;
  passed: number;
  failed: number;
  /** Playwright's own exit code (0 when it did not run). */
  exitCode: number;
}

function specFiles(): number {
  const dir = path.join(root, 'apps/web/e2e');
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir).filter((f) => f.endsWith('.spec.ts')).length;
}

function chromiumMissing(): string | undefined {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
    return undefined;
  } catch {
    return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  }
}

interface PlaywrightJson {
  stats: { expected: number; unexpected: number; flaky: number; skipped: number };
}

/** Runs the specs (extra arguments go to Playwright) unless Chromium is missing. */
export async function runBrowserTier(args: string[] = []): Promise<BrowserTier> {
  const specs = specFiles();
  const missing = specs ? chromiumMissing() : undefined;
  const tier: BrowserTier = { specs, missing, passed: 0, failed: 0, exitCode: 0 };
  if (!specs || missing) return tier;
  fs.rmSync(report, { force: true });
  const cli = path.join(root, 'node_modules/@playwright/test/cli.js');
  tier.exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'test', ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  if (fs.existsSync(report)) {
    const { stats } = JSON.parse(fs.readFileSync(report, 'utf8')) as PlaywrightJson;
    tier.passed = stats.expected + stats.flaky;
    tier.failed = stats.unexpected;
  } else if (tier.exitCode !== 0) tier.failed = 1;
  return tier;
}
