// Shared set-up for the browser tests: a fresh Onramp demo on a random port,
// and Debian's Chromium driven by playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
export const binary = process.env.ONRAMP_BIN || join(root, 'target/debug/onramp');

/** Starts `onramp demo` in a new data directory; resolves to { url, stop }. */
export async function startDemo() {
  const dataDir = mkdtempSync(join(tmpdir(), 'onramp-e2e-'));
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('ONRAMP_')) delete env[key];
  const child = spawn(binary, ['demo', '--bind', '127.0.0.1:0', '--data-dir', dataDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`onramp demo did not start:\n${stderr}`)), 60_000);
    child.on('exit', (code) => fail(new Error(`onramp demo exited with ${code}:\n${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = line.match(/^Onramp is serving on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
  });
  /** Runs an onramp command against the same data directory; returns stdout. */
  const cli = (...args) => execFileSync(binary, [...args, '--data-dir', dataDir], { env, encoding: 'utf8' });
  const stop = async () => {
    const exited = new Promise((ok) => child.once('exit', (code) => ok(code)));
    child.kill('SIGTERM');
    const code = await exited;
    rmSync(dataDir, { recursive: true, force: true });
    return code;
  };
  return { url, stop, cli };
}

/** Launches Debian's Chromium headless with the flags this machine needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

export const DEMO_PASSWORD = 'onramp-demo-pass';

/** Signs in through the form; resolves when the home page is shown. */
export async function signIn(page, url, email, password = DEMO_PASSWORD) {
  await page.goto(`${url}login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/home$/);
}
