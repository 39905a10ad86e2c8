// A form refused for bad input comes back as the same page, with what was
// typed still in the form and the reason beside the field, in a real browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

test('a refused form keeps what was typed and says why beside the field', async () => {
  const demo = await startDemo();
  let browser;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, demo.url, 'avery.admin@example.com');
    await page.goto(`${demo.url}admin/users`);
    const name = 'Robin \u202Egnp.exe';
    await page.getByLabel('Email', { exact: true }).fill('robin.new@example.com');
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('manager', { exact: true }).check();
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/admin/users') && r.request().method() === 'POST'),
      page.getByRole('button', { name: /Add and create/ }).click(),
    ]);
    assert.equal(response.status(), 400);
    await page.waitForLoadState();
    const field = page.getByLabel('Name', { exact: true });
    assert.equal(await field.inputValue(), name);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#field-problem').textContent(), /direction/i);
    assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), 'robin.new@example.com');
    assert.equal(await page.getByLabel('manager', { exact: true }).isChecked(), true);
    await context.close();
  } finally {
    await browser?.close();
    await demo.stop();
  }
});
