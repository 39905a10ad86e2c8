import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

// Classic vectors: each would set window.__xss or open a dialog if it ran.
const payloads = [
  '<script>window.__xss=1;alert(1)</script>',
  '<img src=x onerror="window.__xss=2;alert(2)">',
  '<svg onload="window.__xss=3">',
  '<body onload="window.__xss=4">',
  '<iframe src="javascript:parent.__xss=5"></iframe>',
  '[click me](javascript:window.__xss=6)',
  '[click me](JaVaScRiPt:window.__xss=7)',
  '<a href="javascript:window.__xss=8">x</a>',
  '<div style="background:url(javascript:window.__xss=9)">x</div>',
  '<input autofocus onfocus="window.__xss=10">',
  '<details open ontoggle="window.__xss=11">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=12">',
  '<object data="javascript:window.__xss=13"></object>',
  '<embed src="javascript:window.__xss=14">',
  '<form action="javascript:window.__xss=15"><button>x</button></form>',
  '<video><source onerror="window.__xss=16"></video>',
  '<marquee onstart="window.__xss=17">x</marquee>',
  '<base href="javascript:window.__xss=18//">',
  '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=19">',
  '![x](x" onerror="window.__xss=20)',
  '<scr<script>ipt>window.__xss=21</script>',
  '"><script>window.__xss=22</script>',
  '<img src="data:image/svg+xml,<svg onload=window.__xss=23>">',
];

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

test('stored comments with script payloads render inert in the browser', async () => {
  const token = server.cli('token', 'create', '--email', 'alex.morgan@example.com', '--scope', 'write').trim();
  for (const body of payloads) {
    const form = new FormData();
    form.append('body', body);
    const res = await fetch(`${server.url}api/v1/onboardings/1/comments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    assert.equal(res.status, 201, body);
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await signIn(page, server.url, 'alex.morgan@example.com');
  // The real page, as the new hire sees it, with every comment on it.
  await page.goto(`${server.url}onboardings/1`);
  assert.equal(await page.locator('.comment').count(), payloads.length);
  const comments = page.locator('.comments');
  for (const link of await comments.locator('a').all()) {
    await link.click({ timeout: 1000 }).catch(() => {});
  }
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no payload ran');
  assert.deepEqual(dialogs, [], 'no dialog opened');
  const active = await page.evaluate(() => [...document.querySelectorAll('*')].filter((el) =>
    [...el.attributes].some((a) => a.name.startsWith('on') || /^\s*javascript:/i.test(a.value))).length);
  assert.equal(active, 0, 'no element carries an event handler or a javascript: URL');
  await context.close();
});
