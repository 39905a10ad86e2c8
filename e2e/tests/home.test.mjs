import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

const screenshot = resolve(import.meta.dirname, '../../crates/web/tests/fixtures/pixel.png');
let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
  // A second new hire with Diego as their buddy.
  server.cli('user', 'add', '--email', 'riley.chen@example.com', '--name', 'Riley Chen', '--roles', 'new-hire',
    '--segment', 'Scale', '--region', 'EMEA', '--manager', 'jordan.lee@example.com', '--password', 'riley-long-password');
  server.cli('onboarding', 'create', '--email', 'riley.chen@example.com', '--start', new Date().toISOString().slice(0, 10),
    '--buddy', 'diego.alvarez@example.com');
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0, 'the server stops cleanly on SIGTERM');
});

test('pages ask visitors to sign in, and a wrong password is refused', async () => {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('Email').fill('alex.morgan@example.com');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(await page.getByRole('alert').textContent(), 'Email or password is wrong.');
  await page.close();
});

test('a new hire completes a task and comments with a screenshot; the manager sees the progress change', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, 'alex.morgan@example.com');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Welcome, Alex Morgan');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Onboardings' }).click();
  assert.equal(await page.getByRole('row', { name: /Riley Chen/ }).count(), 0, 'only their own onboarding');
  await page.getByRole('row', { name: /Alex Morgan/ }).getByRole('link', { name: 'Alex Morgan' }).click();
  const before = await page.getByText(/tasks finished/).first().textContent();
  await page.getByRole('button', { name: 'Mark “Enrol in the CSM onboarding pathway for your segment” done' }).click();
  await page.waitForURL(/#task-/);
  const afterText = await page.getByText(/tasks finished/).first().textContent();
  assert.notEqual(afterText, before);
  assert.match(afterText, /8\/36/);

  await page.getByRole('link', { name: 'Enrol in the CSM onboarding pathway for your segment' }).first().click();
  await page.getByLabel('Your comment (Markdown)').fill('Level Up shows an error for me, **see the screenshot**. @manager could you check?');
  await page.getByLabel(/Screenshot/).setInputFiles(screenshot);
  await page.getByRole('button', { name: 'Add comment' }).click();
  await page.waitForURL(/#comments$/);
  assert.equal(await page.locator('.comment strong').textContent(), 'see the screenshot');
  const image = page.getByRole('img', { name: /Screenshot pixel.png/ });
  assert.equal(await image.evaluate((img) => img.complete && img.naturalWidth), 1, 'the screenshot is served and decodes');
  await page.screenshot({ path: 'test-results/task-with-comment.png', fullPage: true });
  await context.close();

  const managerContext = await browser.newContext();
  const manager = await managerContext.newPage();
  await signIn(manager, server.url, 'jordan.lee@example.com');
  await manager.getByRole('link', { name: /Inbox/ }).click();
  assert.match(await manager.locator('.inbox').textContent(), /Alex Morgan mentioned you/);
  await manager.getByRole('link', { name: 'My team' }).click();
  const row = manager.getByRole('row', { name: /Alex Morgan/ });
  assert.match(await row.textContent(), /8\/36 tasks/);
  assert.equal(await row.getByRole('progressbar').getAttribute('value'), '8');
  await manager.screenshot({ path: 'test-results/team.png', fullPage: true });
  await managerContext.close();
});

test("a buddy sees their buddy's onboarding and not others; signing out ends the session", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, 'diego.alvarez@example.com');
  await page.goto(server.url);
  assert.equal(await page.getByRole('row', { name: /Riley Chen/ }).count(), 1);
  assert.equal(await page.getByRole('row', { name: /Alex Morgan/ }).count(), 0);
  const response = await page.goto(`${server.url}onboardings/1`);
  assert.equal(response.status(), 404, "Alex's onboarding does not exist for Diego");
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
  await page.goto(`${server.url}home`);
  await page.waitForURL(/\/login\?next=/);
  await context.close();
});

test('the manager and the buddy land on the tasks that wait for them, and finish one in a click', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, server.url, 'jordan.lee@example.com');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Home');
  const team = page.getByRole('region', { name: 'Your team' });
  assert.equal(await team.getByRole('link', { name: 'Riley Chen' }).count(), 1, 'the team panel lists the report');
  assert.equal(await team.getByRole('link', { name: 'Alex Morgan' }).count(), 1);
  const tasks = page.getByRole('region', { name: 'Your tasks' });
  const rows = tasks.locator('li.task');
  const count = await rows.count();
  assert.ok(count > 0, 'the demo manager has tasks');
  assert.match(await rows.first().textContent(), /as Manager/);
  // Filter to one onboarding, then finish its first task: the page comes back with the filter.
  await page.getByLabel('Onboarding', { exact: true }).selectOption({ label: 'Riley Chen' });
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/onboarding=\d+/);
  const riley = tasks.locator('li.task');
  const before = await riley.count();
  assert.ok(before > 0, 'Riley has manager tasks');
  const done = tasks.getByRole('button', { name: /^Mark .* done for Riley Chen$/ });
  assert.ok(await done.count() > 0, 'an open task has a Done button');
  await done.first().click();
  await page.waitForURL(/\/home\?(.+&)?onboarding=\d+#task-/);
  assert.equal(await tasks.locator('li.task').count(), before - 1, 'the finished task leaves the list');
  await context.close();

  const buddy = await (await browser.newContext()).newPage();
  await signIn(buddy, server.url, 'diego.alvarez@example.com');
  const buddyTasks = buddy.getByRole('region', { name: 'Your tasks' });
  assert.ok(await buddyTasks.locator('li.task').count() > 0, 'Diego is Riley’s buddy');
  assert.match(await buddyTasks.locator('li.task').first().textContent(), /Riley Chen’s onboarding · as Onboarding buddy/);
  // The new onboarding reached Diego's inbox; marking it read clears the count.
  await buddy.getByRole('link', { name: /Inbox/ }).click();
  const created = () => buddy.locator('.inbox li', { hasText: 'New onboarding' }).filter({ hasText: 'Riley Chen' });
  assert.equal(await created().count(), 1);
  assert.match(await created().textContent(), /· new/);
  await created().getByRole('button', { name: /^Mark read: / }).click();
  await buddy.waitForURL(/\/inbox#n-\d+$/);
  assert.doesNotMatch(await created().textContent(), /· new/);
  await buddy.context().close();
});
