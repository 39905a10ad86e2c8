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

test('disabling a person asks first, and only the confirmation disables them', async () => {
  const demo = await startDemo();
  let browser;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, demo.url, 'avery.admin@example.com');
    await page.goto(`${demo.url}admin/users`);
    const row = page.locator('tr', { hasText: 'lee.wong@example.com' });
    const yes = row.getByRole('button', { name: 'Yes, disable Lee Wong' });
    // The first click only asks.
    assert.equal(await yes.isVisible(), false);
    await row.getByText('Disable Lee Wong…').click();
    assert.equal(await yes.isVisible(), true);
    assert.match(await row.textContent(), /can no longer sign in/);
    assert.match(await row.textContent(), /active/, 'nothing changed yet');
    await Promise.all([page.waitForURL(/\/admin\/users/), yes.click()]);
    assert.match(await page.locator('tr', { hasText: 'lee.wong@example.com' }).textContent(), /disabled/);
    // The same for a token: revoking it asks first.
    await page.goto(`${demo.url}settings/tokens`);
    await page.getByLabel('Name').fill('reporting script');
    await page.getByRole('button', { name: /Create/ }).click();
    await page.waitForLoadState();
    const token = page.locator('tr', { hasText: 'reporting script' });
    await token.getByText('Revoke reporting script…').click();
    await Promise.all([page.waitForLoadState(), token.getByRole('button', { name: 'Yes, revoke reporting script' }).click()]);
    assert.match(await page.locator('tr', { hasText: 'reporting script' }).textContent(), /revoked/);
    await context.close();
  } finally {
    await browser?.close();
    await demo.stop();
  }
});

test('a reset link is shown whole and copied with one click', async () => {
  const demo = await startDemo();
  let browser;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(demo.url).origin });
    const page = await context.newPage();
    await signIn(page, demo.url, 'avery.admin@example.com');
    await page.goto(`${demo.url}admin/users`);
    await page.getByRole('button', { name: 'Reset link for Kim Park' }).click();
    const field = page.getByLabel(/One-time link to set a password/);
    const link = await field.inputValue();
    assert.ok(link.startsWith(`${demo.url}reset/`), link);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await context.close();
  } finally {
    await browser?.close();
    await demo.stop();
  }
});
