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

/** The next Tuesday at least two days away, and the day eight weeks after it (UTC dates). */
function nextTuesday() {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + 2);
  while (d.getUTCDay() !== 2) d.setUTCDate(d.getUTCDate() + 1);
  const until = new Date(d);
  until.setUTCDate(until.getUTCDate() + 56);
  return { first: d, until };
}

const iso = (d) => d.toISOString().slice(0, 10);
const long = (d) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The instant of 16:00 on a date in Amsterdam, and that instant's hour and minute in `zone`. */
function sixteenInAmsterdam(date, zone) {
  const hour = (at, z) => new Intl.DateTimeFormat('en-GB', { timeZone: z, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
  for (const utcHour of [15, 14]) {
    const at = new Date(`${iso(date)}T${utcHour}:00:00Z`);
    if (hour(at, 'Europe/Amsterdam') === '16:00') return hour(at, zone);
  }
  throw new Error('no 16:00 in Amsterdam');
}

test('office hours are scheduled with the recurrence picker and shown in each viewer’s time zone', async () => {
  const demo = await startDemo();
  const browser = await launchBrowser();
  const { first, until } = nextTuesday();
  try {
    // Chris (Enablement, America/Chicago) schedules sessions held in Amsterdam.
    const chris = await (await browser.newContext()).newPage();
    await signIn(chris, demo.url, 'chris.okafor@example.com');
    await chris.goto(`${demo.url}office-hours`);
    assert.equal(await chris.locator('input[name="rrule"]').count(), 0, 'nobody types a rule');
    const form = chris.locator('form[action="/office-hours"]');
    await form.getByLabel('Title').fill('Amsterdam office hours');
    await form.getByLabel('First session').fill(`${iso(first)}T16:00`);
    assert.equal(await form.getByLabel('Time zone', { exact: true }).inputValue(), 'America/Chicago', 'the viewer’s zone first');
    await form.getByLabel('Time zone', { exact: true }).selectOption('Europe/Amsterdam');
    await form.getByLabel('Repeats').selectOption({ label: 'Every other week' });
    await form.getByLabel('Tuesday').check();
    await form.getByLabel('Thursday').check();
    await form.getByLabel('Until').fill(iso(until));
    await form.getByLabel('Video call link').fill('https://meet.example.com/amsterdam');
    await form.getByRole('button', { name: 'Create' }).click();
    await chris.waitForURL(/\/office-hours$/);

    const section = chris.locator('section', { has: chris.getByRole('heading', { name: 'Amsterdam office hours' }) });
    const words = `Every other Tuesday and Thursday at 16:00 (Europe/Amsterdam), from ${long(first)} until ${long(until)}`;
    assert.equal((await section.locator('.schedule').innerText()).trim(), words);
    // The first session, in Chicago's time and named zone.
    const day = first.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).replace(/,/g, '').replace('Sept', 'Sep');
    const chrisFirst = await section.getByLabel('For the session of').locator('option').first().innerText();
    assert.match(chrisFirst, new RegExp(`^${day}, ${sixteenInAmsterdam(first, 'America/Chicago')} C[SD]T$`));

    // The rule stored is the one the choices describe.
    const list = JSON.parse(demo.cli('office-hours', 'list', '--json'));
    const made = list.find((s) => s.title === 'Amsterdam office hours');
    assert.match(made.rrule, new RegExp(`^FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=${iso(until).replace(/-/g, '')}T2[12]5959Z$`));

    // Alex (Europe/Berlin) sees the same session at 16:00 in Berlin's named zone.
    const alex = await (await browser.newContext()).newPage();
    await signIn(alex, demo.url, 'alex.morgan@example.com');
    await alex.goto(`${demo.url}office-hours`);
    const alexSection = alex.locator('section', { has: alex.getByRole('heading', { name: 'Amsterdam office hours' }) });
    assert.equal((await alexSection.locator('.schedule').innerText()).trim(), words);
    const alexFirst = await alexSection.getByLabel('For the session of').locator('option').first().innerText();
    assert.match(alexFirst, new RegExp(`^${day}, 16:00 CES?T$`));
  } finally {
    await browser.close();
    await demo.stop();
  }
});
