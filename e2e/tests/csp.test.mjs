// Every role's main pages work under the strict Content-Security-Policy:
// no CSP violation or other error in the console, scripts still run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (server) await server.stop();
});

const pages = {
  'alex.morgan@example.com': ['/home', '/', '/office-hours', '/search?q=EBR', '/webinars', '/inbox', '/ping', '/docs/handbook/customer-success/csm/ebr/'],
  'jordan.lee@example.com': ['/home', '/team', '/access-requests', '/programs', '/inbox', '/settings/notifications'],
  'taylor.brooks@example.com': ['/home', '/starts', '/onboardings/new'],
  'chris.okafor@example.com': ['/home', '/content', '/webinars', '/office-hours'],
  'avery.admin@example.com': ['/home', '/admin/users', '/audit', '/settings/tokens', '/admin/mail'],
};

for (const [email, paths] of Object.entries(pages)) {
  test(`${email.split('@')[0]}: pages load under the CSP without console errors`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || /Content Security Policy|Refused to/.test(msg.text())) {
        problems.push(`${page.url()}: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
    await signIn(page, server.url, email);
    for (const path of paths) {
      const response = await page.goto(`${server.url}${path.replace(/^\//, '')}`);
      assert.equal(response.status(), 200, `${email} ${path}`);
      const csp = response.headers()['content-security-policy'] ?? '';
      assert.match(csp, /script-src 'self'/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(response.headers()['x-frame-options'], 'DENY', path);
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('search-as-you-type (the one script) still works under the CSP', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations = [];
  page.on('console', (msg) => { if (/Content Security Policy/.test(msg.text())) violations.push(msg.text()); });
  await signIn(page, server.url, 'alex.morgan@example.com');
  await page.goto(`${server.url}search`);
  await page.getByLabel('Question or words').pressSequentially('executive busi', { delay: 30 });
  await page.locator('#results a.result-title').first().waitFor({ timeout: 15_000 });
  assert.deepEqual(violations, []);
  await context.close();
});
