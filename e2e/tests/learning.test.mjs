// Learning in a real browser: the new hire joins Slack channels (their
// region's are ticked to start with), marks reading done and a pathway
// module complete, and sees the progress; the manager sees it too and
// approves a playground request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

test('a new hire joins channels, marks reading done and sees progress', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
  try {
    const context = await browser.newContext();
    const alex = await context.newPage();
    await signIn(alex, demo.url, 'alex.morgan@example.com');
    await alex.getByRole('link', { name: /Learning and resources/ }).click();
    await alex.waitForURL(/\/onboardings\/1\/learning$/);
    assert.match(await alex.locator('#pathway-count').textContent(), /1\/5 modules done/);

    // Channels: the demo already has two joined; add the regional EMEA team channel.
    const emea = alex.getByLabel('#team-csm-emea');
    assert.equal(await emea.isChecked(), false);
    await emea.check();
    await alex.getByRole('button', { name: 'Save the channels I joined' }).click();
    await alex.waitForURL(/\/learning#channels-h$/);
    assert.equal(await alex.getByLabel('#team-csm-emea').isChecked(), true);
    assert.equal(await alex.getByLabel('#cs-questions').isChecked(), true);

    // Reading: mark one page read; it shows as read.
    await alex.getByRole('button', { name: 'Mark read: Using Gainsight' }).click();
    await alex.waitForURL(/\/learning#reading-h$/);
    assert.match(await alex.locator('#read-gainsight').textContent(), /✓ read/);

    // A pathway module done: the count moves.
    await alex.getByRole('button', { name: 'Mark done: Where processes and tools live' }).click();
    await alex.waitForURL(/\/learning#pathway-h$/);
    assert.match(await alex.locator('#pathway-count').textContent(), /2\/5 modules done/);
    await alex.screenshot({ path: 'test-results/learning.png', fullPage: true });

    // Every pathway module opens its handbook page in Onramp's view.
    const moduleLinks = await alex.locator('section[aria-labelledby="pathway-h"] table a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(moduleLinks.length >= 5, `the modules link their pages: ${moduleLinks}`);
    const inOnramp = moduleLinks.filter((href) => !/^https?:/.test(href));
    assert.ok(inOnramp.length >= 1, `some modules are handbook pages: ${moduleLinks}`);
    for (const href of inOnramp) {
      assert.match(href, /^\/docs\/handbook\//, 'a handbook link goes to Onramp’s view');
      const res = await alex.request.get(new URL(href, demo.url).toString());
      assert.equal(res.status(), 200, href);
    }

    // The home page shows the pathway progress.
    await alex.goto(`${demo.url}home`);
    assert.match(await alex.locator('.learning-summary').textContent(), /2\/5 modules/);
    await context.close();

    // The manager sees the progress in the list and approves the demo space request.
    const jordanContext = await browser.newContext();
    const jordan = await jordanContext.newPage();
    await signIn(jordan, demo.url, 'jordan.lee@example.com');
    await jordan.goto(demo.url);
    const row = jordan.locator('tr[data-onboarding="1"]');
    assert.match(await row.locator('.pathway-progress').textContent(), /2\/5 modules/);
    await jordan.goto(`${demo.url}access-requests`);
    await jordan.getByRole('button', { name: 'Approve' }).click();
    await jordan.waitForURL(/\/access-requests$/);
    assert.match(await jordan.locator('main').textContent(), /Nothing is waiting for you/);
    await jordanContext.close();
  } finally {
    await browser.close();
    assert.equal(await demo.stop(), 0);
  }
});
