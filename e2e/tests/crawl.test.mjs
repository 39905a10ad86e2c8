// Every page each demo role can reach, followed link by link from their home:
// it answers 200, fits a 390 px phone and a 1366 px laptop without sideways
// scrolling, logs no console error, and axe finds no accessibility violation
// of any impact. Screenshots of the main pages at both widths go to
// test-results/ (kept by CI, not committed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startDemo, launchBrowser, signIn } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
/** Pages per role at most: the crawl is breadth-first, so the main ones come first. */
const MAX_PAGES = 150;
/** Pages of one shape (the same path with other ids, the same query keys) visited at most. */
const PER_SHAPE = 2;
const shapeOf = (path) => {
  const url = new URL(path, 'http://x');
  return url.pathname.replace(/\d+/g, 'N') + '?' + [...url.searchParams.keys()].sort().join('&');
};
/** Main pages photographed at both widths. */
const SHOTS = ['/home', '/', '/office-hours', '/search', '/webinars', '/ping', '/inbox'];

const ROLES = {
  'new-hire': 'alex.morgan@example.com',
  manager: 'jordan.lee@example.com',
  buddy: 'sam.fischer@example.com',
  'people-connect': 'taylor.brooks@example.com',
  enablement: 'chris.okafor@example.com',
  admin: 'avery.admin@example.com',
};

let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launchBrowser();
  mkdirSync('test-results/screenshots', { recursive: true });
});

after(async () => {
  await browser?.close();
  if (server) assert.equal(await server.stop(), 0);
});

/** Whether the crawl follows this address: pages of this site, not files, feeds, the API or sign-out. */
function followed(href, origin) {
  let url;
  try { url = new URL(href); } catch { return null; }
  if (url.origin !== origin) return null;
  const p = url.pathname;
  if (/^\/(api|static|logout|calendar|attachments)(\/|$)/.test(p)) return null;
  if (/\.(ics|json|csv|png|jpe?g|gif|webp|svg)$/.test(p)) return null;
  if (url.searchParams.has('format')) return null; // downloads (CSV, JSON)
  url.hash = '';
  return url.pathname + url.search;
}

/** Sideways scrolling at the page's current width. */
const overflow = (page) => page.evaluate(() => {
  const width = document.documentElement.clientWidth;
  const scroll = document.documentElement.scrollWidth;
  if (scroll <= width) return null;
  // Name the widest element, to say what to fix.
  let widest = null;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && (!widest || r.right > widest.right)) {
      widest = { right: Math.round(r.right), tag: el.tagName.toLowerCase(), cls: el.className?.toString?.() ?? '' };
    }
  }
  return { width, scroll, widest };
});

for (const [role, email] of Object.entries(ROLES)) {
  test(`every page ${role} reaches works on a phone and a laptop`, async (t) => {
    const context = await browser.newContext({ viewport: PHONE, bypassCSP: true });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await signIn(page, server.url, email);
    const origin = new URL(server.url).origin;
    const queue = ['/home'];
    const seen = new Set(queue);
    const shapes = new Map();
    const problems = [];
    let visited = 0;
    while (queue.length && visited < MAX_PAGES) {
      const path = queue.shift();
      visited += 1;
      errors.length = 0;
      await page.setViewportSize(PHONE);
      const response = await page.goto(origin + path);
      const status = response?.status();
      if (status !== 200) { problems.push(`${path}: answered ${status}`); continue; }
      if (!(response.headers()['content-type'] ?? '').startsWith('text/html')) continue;
      const phone = await overflow(page);
      if (phone) problems.push(`${path}: ${phone.scroll} px wide at ${phone.width} px (${JSON.stringify(phone.widest)})`);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => (await window.axe.run()).violations
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`));
      for (const v of violations) problems.push(`${path}: axe ${v}`);
      const shot = SHOTS.includes(path) ? path.replace(/\W+/g, '-').replace(/^-|-$/g, '') || 'onboardings' : null;
      if (shot) await page.screenshot({ path: `test-results/screenshots/${role}-${shot}-390.png`, fullPage: true });
      await page.setViewportSize(LAPTOP);
      const laptop = await overflow(page);
      if (laptop) problems.push(`${path}: ${laptop.scroll} px wide at ${laptop.width} px`);
      if (shot) await page.screenshot({ path: `test-results/screenshots/${role}-${shot}-1366.png`, fullPage: true });
      for (const e of errors) problems.push(`${path}: console error ${e}`);
      const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
      for (const href of links) {
        const next = followed(href, origin);
        if (!next || seen.has(next)) continue;
        seen.add(next);
        const shape = shapeOf(next);
        shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
        if (shapes.get(shape) <= PER_SHAPE) queue.push(next);
      }
    }
    await context.close();
    t.diagnostic(`${role}: ${visited} pages visited, ${queue.length} more found`);
    assert.ok(visited > 5, `${role} reached only ${visited} pages`);
    assert.deepEqual(problems, [], `${role}: ${visited} pages visited`);
  });
}
