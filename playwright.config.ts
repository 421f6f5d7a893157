import { defineConfig, devices } from '@playwright/test';

/**
 * The browser tier: Playwright specs of the web app (apps/web/e2e) in Debian's Chromium
 * (`/usr/bin/chromium`; no browser is downloaded) on a phone profile with touch, against one real
 * server started by the global setup. Specs make their own users and events through the API.
 */
export default defineConfig({
  testDir: 'apps/web/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './apps/web/e2e/global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // Two cores shared with everything else: one spec at a time keeps the timings honest.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.tmp/playwright.json' }]],
  outputDir: '.tmp/playwright',
  use: {
    ...devices['Pixel 7'],
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
