import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startDemo, launchBrowser } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
});

test('the start page shows who is onboarding and since when', async () => {
  const page = await browser.newPage();
  const response = await page.goto(server.url);
  assert.equal(response.status(), 200);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Onboardings');
  const row = page.getByRole('row', { name: /Alex Morgan/ });
  assert.equal(await row.count(), 1, 'the seeded new hire has one row');
  const text = await row.textContent();
  assert.match(text, /Mid-Touch · DACH/);
  assert.match(text, /day 10/);
  assert.match(text, /CSM onboarding/);
  assert.match(text, /Jordan Lee/);
  const progress = row.getByRole('progressbar', { name: 'Progress of Alex Morgan' });
  assert.equal(await progress.getAttribute('value'), '0');
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/home.png', fullPage: true });
  await page.close();
});

test('an unknown page answers with a readable 404', async () => {
  const page = await browser.newPage();
  const response = await page.goto(`${server.url}no/such/page`);
  assert.equal(response.status(), 404);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Not Found');
  await page.getByRole('link', { name: 'Back to the start page' }).click();
  await page.waitForURL(server.url);
  await page.close();
});
