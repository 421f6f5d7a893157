import { expect, test } from '@playwright/test';
import { INITIAL_JS_BUDGET_BYTES, initialJs, kb } from '../../../scripts/web-budget.ts';
import { serverUrl } from './support.ts';

test(`the JavaScript the first screen loads is at most ${kb(INITIAL_JS_BUDGET_BYTES)} gzipped`, async ({
  page,
}) => {
  const loaded = new Set<string>();
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') loaded.add(new URL(response.url()).pathname);
  });
  await page.goto(`${serverUrl()}/`);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  const { scripts, gzipBytes } = initialJs();
  const counted = scripts.map((s) => s.path);
  // What the browser really fetched for the first screen is exactly what index.html names.
  expect([...loaded].sort()).toEqual([...counted].sort());
  for (const s of scripts) console.log(`  ${s.path}: ${kb(s.bytes)}, ${kb(s.gzipBytes)} gzip`);
  console.log(`  initial JavaScript: ${kb(gzipBytes)} gzip (budget ${kb(INITIAL_JS_BUDGET_BYTES)})`);
  expect(gzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
});
