// Meeting feedback in a real browser: the new hire records a meeting they
// led, their buddy gives feedback, and the new hire sees it with the chart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

test('the buddy records feedback on a led meeting and the new hire sees it and the trend', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
  try {
    // Alex logs a customer meeting he led, with Sam (his buddy) observing.
    const alexContext = await browser.newContext();
    const alex = await alexContext.newPage();
    await signIn(alex, demo.url, 'alex.morgan@example.com');
    await alex.goto(`${demo.url}onboardings/1`);
    await alex.getByRole('link', { name: /Meetings: shadowing log/ }).click();
    await alex.waitForURL(/\/onboardings\/1\/meetings$/);
    assert.equal(await alex.locator('#shadowed-h + p + table tbody tr, #shadowed-h ~ table tbody tr').count() >= 2, true, 'the demo has two shadowed meetings');
    await alex.getByLabel('led it').check();
    await alex.getByLabel('Type').selectOption('cadence-call');
    await alex.getByLabel('Observer (led meetings)').selectOption('sam.fischer@example.com');
    await alex.getByLabel('Account').fill('Globex');
    await alex.getByRole('button', { name: 'Record the meeting' }).click();
    await alex.waitForURL(/\/meetings$/);
    const row = alex.getByRole('row', { name: /Globex/ }).first();
    assert.match(await row.textContent(), /Sam Fischer/);

    // Sam gives feedback.
    const samContext = await browser.newContext();
    const sam = await samContext.newPage();
    await signIn(sam, demo.url, 'sam.fischer@example.com');
    await sam.goto(`${demo.url}onboardings/1/meetings`);
    await sam.getByRole('link', { name: 'Give feedback' }).click();
    await sam.getByLabel('What went well').fill('You opened with a clear agenda and kept to time.');
    await sam.getByLabel('What to improve').fill('Confirm the next steps and owners before hanging up.');
    await sam.getByLabel('Agenda and time keeping').selectOption('4');
    await sam.getByLabel('Next steps and follow-up').selectOption('2');
    await sam.getByRole('button', { name: 'Save feedback' }).click();
    await sam.waitForURL(/\/meetings$/);
    await samContext.close();

    // Alex sees the feedback and the chart; Taylor (People Connect) does not see the feedback.
    await alex.reload();
    await alex.getByText('Read').first().click();
    assert.match(await alex.locator('details').first().textContent(), /Confirm the next steps/);
    assert.equal(await alex.locator('svg.trend circle').count(), 1);
    await alex.screenshot({ path: 'test-results/meetings.png', fullPage: true });
    await alexContext.close();

    const pcContext = await browser.newContext();
    const pc = await pcContext.newPage();
    await signIn(pc, demo.url, 'taylor.brooks@example.com');
    await pc.goto(`${demo.url}onboardings/1/meetings`);
    assert.equal(await pc.getByText('Confirm the next steps').count(), 0);
    assert.equal(await pc.locator('svg.trend').count(), 0);
    await pcContext.close();
  } finally {
    await browser.close();
    await demo.stop();
  }
});
