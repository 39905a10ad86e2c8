// Ramp analytics in a real browser, on the demo's generated history: People
// Connect compares cohorts on a chart with its values and a table beside it,
// follows a warning to its evidence, and the page fits a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

test('cohorts are compared on a chart with a table beside it, and warnings link their evidence', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await signIn(page, demo.url, 'taylor.brooks@example.com');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ramp' }).click();
    await page.waitForURL(/\/analytics$/);
    await page.getByLabel('Cohorts by').selectOption('quarter');
    await page.getByLabel('Milestone').selectOption({ label: 'First customer meeting led' });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/by=quarter&milestone=first-led/);

    // The chart writes each cohort's median; the table beside it has the same.
    const medians = await page.locator('svg.ramp text', { hasText: 'median' }).allTextContents();
    assert.ok(medians.length >= 3, `a box per cohort: ${medians}`);
    const table = page.getByRole('region', { name: /^Table: business days to/ });
    const rows = table.locator('tbody tr');
    assert.ok(await rows.count() >= 3, 'a row per cohort');
    const firstMedian = (await rows.first().locator('strong').innerText()).trim();
    assert.ok(medians.some((m) => m.startsWith(`median ${Number(firstMedian).toFixed(1)}`)), `${firstMedian} in ${medians}`);

    // A warning opens its evidence.
    const attention = page.locator('ul.risk > li');
    assert.ok(await attention.count() >= 1, 'someone needs attention');
    const reason = attention.first().locator('ul a').first();
    const href = await reason.getAttribute('href');
    assert.match(href, /^\/onboardings\/\d+/);
    const res = await page.request.get(new URL(href, demo.url).toString());
    assert.equal(res.status(), 200, href);
    // Acknowledged with a note: listed as acknowledged, no longer a warning.
    const first = attention.first();
    const reasonText = (await reason.innerText()).trim();
    await first.locator('details.acknowledge').first().locator('summary').click();
    await first.getByLabel(/What is being done about it/).first().fill('Agreed a plan with the manager on Monday');
    await first.getByRole('button', { name: 'Acknowledge' }).first().click();
    await page.waitForURL(/\/analytics\?by=quarter&milestone=first-led#onboarding-\d+$/);
    const acknowledged = page.locator('li.meta', { hasText: 'Agreed a plan with the manager on Monday' });
    // (Every signal of that kind is acknowledged: two overdue tasks are one kind.)
    assert.ok(await acknowledged.count() >= 1);
    const said = await acknowledged.allInnerTexts();
    assert.ok(said.every((t) => t.startsWith('Acknowledged by Taylor Brooks')), said.join('\n'));
    assert.ok(said.some((t) => t.includes(reasonText)), 'the acknowledged reason is named');
    await page.screenshot({ path: 'test-results/analytics.png', fullPage: true });

    // On a phone the page does not scroll sideways: the chart and table scroll in their boxes.
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `page is ${wide}px wide`);
  } finally {
    await browser.close();
    await demo.stop();
  }
});

test('program analytics put the tasks that run late first, with office hours charted beside a table', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    // Chris runs the Enablement programme.
    await signIn(page, demo.url, 'chris.okafor@example.com');
    // Did the second program version ramp faster than the first?
    await page.goto(`${demo.url}analytics?by=program`);
    await page.getByLabel('Cohort', { exact: true }).selectOption('CSM onboarding v1');
    await page.getByLabel('against').selectOption('CSM onboarding v2');
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL(/a=CSM\+onboarding\+v1&b=CSM\+onboarding\+v2/);
    const compared = page.locator('table.compare tbody tr');
    assert.ok(await compared.count() >= 5, 'a row per milestone');
    // Each median in the table is written on the chart too.
    const tableMedians = await page.locator('table.compare tbody td strong').allInnerTexts();
    const chartValues = await page.locator('svg.compare text[font-size="10"]').allTextContents();
    for (const m of tableMedians) {
      assert.ok(chartValues.includes(Number(m).toFixed(1)), `${m} on the chart: ${chartValues}`);
    }
    assert.match(await compared.first().locator('td').last().innerText(), /faster|slower|the same|–/);
    await page.getByRole('link', { name: /Program analytics/ }).click();
    await page.waitForURL(/\/analytics\/program$/);
    const table = page.getByRole('region', { name: 'Table: how each task fares' });
    await table.getByRole('link', { name: 'Late', exact: true }).click();
    await page.waitForURL(/sort=late/);
    // The late column, read off the page, goes from the worst down.
    const late = await page.locator('table.task-stats tbody tr td:nth-of-type(4)').allInnerTexts();
    const numbers = late.map((t) => (t.trim() === '–' ? -1 : parseFloat(t)));
    assert.ok(numbers.length > 20, `a row per task: ${late}`);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), `sorted: ${late}`);
    assert.equal(await page.locator('th[aria-sort="descending"]').innerText(), 'Late');

    // Office hours: each week's count is on the chart and in the table beside it.
    const bars = await page.locator('svg.bars rect').count();
    assert.equal(bars, 12, 'a bar per week');
    const weeks = page.getByRole('region', { name: 'Table: questions asked per week' }).locator('tbody tr td');
    const counts = await weeks.allInnerTexts();
    const written = await page.locator('svg.bars text[font-size="11"]').allTextContents();
    assert.deepEqual(written, counts.map((c) => c.trim()));
    assert.ok(counts.some((c) => Number(c) > 0), `questions were asked: ${counts}`);
    assert.ok(await page.locator('#oh-h ~ ol li').count() >= 1, 'the topics most asked');

    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `page is ${wide}px wide`);
    await page.screenshot({ path: 'test-results/analytics-program.png', fullPage: true });
  } finally {
    await browser.close();
    await demo.stop();
  }
});
