// Office hours in a real browser: a new hire types a question and is shown a
// matching handbook page, asks anyway; a colleague votes; the host answers
// with a handbook link; the answer is then found by search.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

function writeHandbook() {
  const dir = mkdtempSync(join(tmpdir(), 'onramp-handbook-'));
  const page = (path, text) => {
    mkdirSync(join(dir, 'content', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'content', path), text);
  };
  page('team/kickoff.md', '---\ntitle: Kickoff calls\n---\nPrepare the kickoff call with the account team: goals, people, and a date for the first review.\n');
  page('team/time-off.md', '---\ntitle: Time off\n---\nTell your customers who covers for you.\n');
  return dir;
}

test('a question is suggested a page, asked, voted on, answered, and found by search', async () => {
  const demo = await startDemo();
  const handbook = writeHandbook();
  const browser = await launchBrowser();
  mkdirSync('test-results', { recursive: true });
  const question = 'How should I prepare my first kickoff call with a customer?';
  try {
    demo.cli('handbook', 'import', handbook);

    const alexContext = await browser.newContext();
    const alex = await alexContext.newPage();
    await signIn(alex, demo.url, 'alex.morgan@example.com');
    await alex.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Office hours' }).click();
    await alex.waitForURL(/\/office-hours$/);
    await alex.getByLabel('Your question').pressSequentially(question, { delay: 10 });
    await alex.locator('.suggestions a.result-title', { hasText: 'Kickoff calls' }).waitFor({ timeout: 15_000 });
    await alex.getByRole('button', { name: 'Add my question' }).click();
    await alex.waitForURL(/\/office-hours#question-/);
    assert.equal(await alex.getByText(question).count(), 1);

    const samContext = await browser.newContext();
    const sam = await samContext.newPage();
    await signIn(sam, demo.url, 'sam.fischer@example.com');
    await sam.goto(`${demo.url}office-hours`);
    const item = sam.locator('ol.agenda > li', { hasText: question });
    await item.getByRole('button', { name: 'Vote' }).click();
    await sam.waitForURL(/#question-/);
    assert.match(await sam.locator('ol.agenda > li', { hasText: question }).textContent(), /1 vote\b/);
    await samContext.close();

    const chrisContext = await browser.newContext();
    const chris = await chrisContext.newPage();
    await signIn(chris, demo.url, 'chris.okafor@example.com');
    await chris.goto(`${demo.url}office-hours`);
    const mine = chris.locator('ol.agenda > li', { hasText: question });
    await mine.getByText('Answer', { exact: true }).click();
    await mine.getByLabel('Answer (Markdown)').fill('Agree on goals with your account team first; the **kickoff page** lists what to prepare.');
    await mine.getByLabel(/Handbook pages/).fill('/team/kickoff/');
    await mine.getByRole('button', { name: 'Save' }).click();
    await chris.waitForURL(/\/office-hours\/questions\/\d+$/);
    assert.equal(await chris.locator('article strong').textContent(), 'kickoff page');
    await chrisContext.close();

    await alex.goto(`${demo.url}search?q=${encodeURIComponent('prepare kickoff account team goals')}`);
    const answer = alex.locator('ol.results li', { hasText: 'Office-hours answer' });
    await answer.first().waitFor();
    assert.match(await answer.first().textContent(), /first kickoff call/);
    await answer.first().locator('a.result-title').click();
    await alex.waitForURL(/\/office-hours\/questions\/\d+$/);
    await alex.getByRole('link', { name: '/team/kickoff/' }).click();
    await alex.waitForURL(/\/docs\/team\/kickoff\/$/);
    await alex.screenshot({ path: 'test-results/office-hours-answer-link.png' });
    await alexContext.close();
  } finally {
    await browser.close();
    await demo.stop();
    rmSync(handbook, { recursive: true, force: true });
  }
});
