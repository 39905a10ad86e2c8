// Each role's home in the demo: what waits for People Connect, the
// Enablement team and administrators, the manager's team by phase, and
// certification evidence going from the new hire to the manager and back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
});

/** A signed-in page of its own for `email`. */
async function as(email) {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, server.url, email);
  return page;
}

test('People Connect sees the coming starts with what is missing, and the endings', async () => {
  const page = await as('taylor.brooks@example.com');
  assert.equal(await page.getByRole('link', { name: 'New onboarding', exact: true }).count(), 1, 'a prominent button');
  const starts = page.getByRole('region', { name: 'Starting in the next 30 days' });
  assert.equal(await starts.getByRole('link', { name: 'Start an onboarding' }).count(), 1);
  // The demo's coming start has no buddy yet and its pre-boarding is open.
  const robin = starts.locator('li', { hasText: 'Robin Schmidt' }).first();
  assert.match(await robin.textContent(), /Missing: no buddy/);
  assert.match(await robin.textContent(), /Pre-boarding still open/);
  const ending = page.getByRole('region', { name: 'Ending in the next 14 days' });
  assert.equal(await ending.count(), 1);
  assert.equal(await page.getByRole('region', { name: 'Program and content' }).count(), 0);
  assert.equal(await page.getByRole('region', { name: 'Accounts and tokens' }).count(), 0);
  await page.screenshot({ path: 'test-results/home-people-connect.png', fullPage: true });
  await page.context().close();
});

test('the Enablement team sees questions, content, missed tasks and webinars', async () => {
  const page = await as('chris.okafor@example.com');
  const panel = page.getByRole('region', { name: 'Program and content' });
  for (const heading of ['Office-hours questions', 'Content', 'Tasks most often skipped or late', 'Webinars in the next 30 days']) {
    assert.equal(await panel.getByRole('heading', { name: heading, exact: true }).count(), 1, heading);
  }
  assert.equal(await page.getByRole('region', { name: 'Accounts and tokens' }).count(), 0);
  await page.screenshot({ path: 'test-results/home-enablement.png', fullPage: true });
  await page.context().close();
});

test('an administrator sees delivery, accounts and tokens, and the latest changes', async () => {
  const page = await as('avery.admin@example.com');
  assert.equal(await page.getByRole('region', { name: 'Email and chat delivery' }).count(), 1);
  const accounts = page.getByRole('region', { name: 'Accounts and tokens' });
  assert.match(await accounts.textContent(), /\d+ accounts · \d+ disabled · \d+ administrator/);
  const recent = page.getByRole('region', { name: 'Recent changes' });
  assert.ok(await recent.locator('li').count() > 0, 'the demo made changes');
  await recent.getByRole('link', { name: 'The whole audit log' }).click();
  await page.waitForURL(/\/audit$/);
  await page.context().close();
});

test('certification evidence goes to the manager, who approves it from their team panel', async () => {
  const hire = await as('alex.morgan@example.com');
  await hire.goto(`${server.url}onboardings/1/learning`);
  const row = hire.locator('#certification-git-associate');
  await row.getByText('Record').click();
  const today = new Date().toISOString().slice(0, 10);
  await row.getByLabel('Passed on').fill(today);
  await row.getByLabel('Evidence').fill('https://credly.example.com/badges/alex-git');
  await row.getByRole('button', { name: 'Save' }).click();
  await hire.waitForURL(/#certifications-h$/);
  assert.match(await hire.locator('#certification-git-associate').textContent(), /waiting for the manager/);

  const manager = await as('jordan.lee@example.com');
  const team = manager.getByRole('region', { name: 'Your team' });
  assert.equal(await team.getByRole('columnheader', { name: 'Next milestone' }).count(), 1);
  await team.getByRole('link', { name: '1 certification to review' }).click();
  await manager.waitForURL(/\/learning#certifications-h$/);
  const review = manager.locator('#certification-git-associate');
  await review.getByLabel(/Note/).fill('Thanks, well done');
  await review.getByRole('button', { name: 'Approve' }).click();
  await manager.waitForURL(/#certification-git-associate$/);
  assert.match(await manager.locator('#certification-git-associate').textContent(), /approved: “Thanks, well done”/);
  await manager.context().close();

  await hire.getByRole('link', { name: /Inbox/ }).click();
  assert.match(await hire.locator('.inbox').textContent(), /approved your evidence for/);
  await hire.context().close();
});

test('a person chooses the hour of their daily digest', async () => {
  const page = await as('diego.alvarez@example.com');
  await page.goto(`${server.url}settings/notifications`);
  await page.getByLabel('Daily digest at').selectOption({ label: '07:00' });
  await page.getByRole('button', { name: 'Save' }).first().click();
  await page.waitForURL(/saved=1/);
  assert.equal(await page.getByLabel('Daily digest at').inputValue(), '7');
  await page.context().close();
});
