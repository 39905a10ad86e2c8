// Handbook search in a real browser: an imported handbook, instant results
// while typing, and the page view behind a result.
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
  page('team/_index.md', '---\ntitle: Team handbook\n---\nStart with [kickoff calls](/team/kickoff/).\n');
  page('team/kickoff.md', '---\ntitle: Kickoff calls\n---\n## Agenda\n\nThe kickoff call with a new customer agrees on goals and a first review date.\n');
  page('team/time-off.md', '---\ntitle: Time off\n---\nTell your customers who covers for you while you are away.\n');
  return dir;
}

test('a new hire finds a handbook page while typing and opens it', async () => {
  const demo = await startDemo();
  const handbook = writeHandbook();
  const browser = await launchBrowser();
  try {
    demo.cli('handbook', 'import', handbook);
    const page = await browser.newPage();
    await signIn(page, demo.url, 'alex.morgan@example.com');
    await page.getByRole('link', { name: 'Handbook' }).click();
    await page.waitForURL(/\/search$/);
    // The server picks up the index the command wrote; typing shows results without submitting.
    await page.getByLabel('Question or words').pressSequentially('kickof', { delay: 40 });
    const result = page.locator('#results a.result-title', { hasText: 'Kickoff calls' });
    await result.waitFor({ timeout: 15_000 });
    assert.match(page.url(), /\/search\?q=kickof$/);
    await result.click();
    await page.waitForURL(/\/docs\/team\/kickoff\/$/);
    assert.equal(await page.locator('h1').textContent(), 'Kickoff calls');
    assert.equal(await page.locator('article h2#agenda').count(), 1);
    // Without JavaScript the form still works.
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const noJs = await plain.newPage();
    await signIn(noJs, demo.url, 'alex.morgan@example.com');
    await noJs.goto(`${demo.url}search`);
    await noJs.getByLabel('Question or words').fill('who covers when I am away');
    await noJs.getByRole('button', { name: 'Search' }).click();
    await noJs.locator('a.result-title', { hasText: 'Time off' }).waitFor();
    await plain.close();
  } finally {
    await browser.close();
    await demo.stop();
    rmSync(handbook, { recursive: true, force: true });
  }
});
