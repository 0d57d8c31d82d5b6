// Drives Debian's Chromium through capture mode's live page: open /capture, say "ready" on stdout, and wait for
// the message the Java side then sends over SMTP to appear WITHOUT a reload (a marker set in the page must
// survive, and no navigation may happen); then search for it and open it. Run by CaptureBrowserTest with
// TERN_URL, TERN_SUBJECT and TERN_SCREENSHOTS in the environment; exits non-zero on the first failed step.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { env, launch } from './chromium.mjs';

const url = env('TERN_URL');
const subject = env('TERN_SUBJECT');
const shots = env('TERN_SCREENSHOTS');
mkdirSync(shots, { recursive: true });

const browser = await launch();
const timeout = 15000;
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });

  await page.goto(url + '/capture', { timeout });
  await page.locator('#count', { hasText: '0 message(s)' }).waitFor({ timeout });
  // The event stream is open (the page says "live"): only then may the message be sent.
  await page.locator('#live', { hasText: /^live$/ }).waitFor({ timeout });
  await page.evaluate(() => { window.ternNotReloaded = true; });
  const before = navigations;
  await page.screenshot({ path: join(shots, 'capture-1-empty.png'), fullPage: true });
  console.log('ready');

  await page.locator('#messages td', { hasText: subject }).waitFor({ timeout });
  if (!await page.evaluate(() => window.ternNotReloaded === true)) throw new Error('the page was reloaded');
  if (navigations !== before) throw new Error(`the page navigated ${navigations - before} time(s)`);
  await page.locator('#count', { hasText: '1 message(s)' }).waitFor({ timeout });
  await page.screenshot({ path: join(shots, 'capture-2-live.png'), fullPage: true });

  await page.fill('#q', 'no-such-word-anywhere');
  await page.locator('#count', { hasText: '0 message(s)' }).waitFor({ timeout });
  await page.fill('#q', 'subject:' + subject.split(' ').pop());
  await page.locator('#count', { hasText: '1 message(s)' }).waitFor({ timeout });
  await page.locator('#messages td', { hasText: subject }).click({ timeout });
  await page.locator('#detail h2', { hasText: subject }).waitFor({ timeout });
  await page.locator('#detail pre', { hasText: 'plain words' }).waitFor({ timeout });
  await page.locator('#detail a.attachment', { hasText: 'notes.txt' }).waitFor({ timeout });
  await page.frameLocator('#detail iframe').locator('body', { hasText: 'rendered html' }).waitFor({ timeout });
  await page.screenshot({ path: join(shots, 'capture-3-detail.png'), fullPage: true });
  if (await page.evaluate(() => window.ternPwned === true)) throw new Error('a script from the mail ran in the page');

  // An older query's answer that arrives last must not replace the newest one's (search as you type).
  const late = /q=no-such-word-late/;
  await page.route(late, async (route) => { await new Promise((r) => setTimeout(r, 1000)); await route.continue(); });
  const lateAnswer = page.waitForResponse(late, { timeout });
  await page.fill('#q', 'no-such-word-late');
  await page.fill('#q', 'subject:' + subject.split(' ').pop());
  await (await lateAnswer).finished();
  await page.evaluate(() => new Promise((r) => setTimeout(r, 200))); // the page has handled the late answer
  const count = await page.locator('#count').textContent();
  if (count !== '1 message(s)') throw new Error(`a late answer to an older query replaced the newest: ${count}`);
  await page.unroute(late);
  console.log(`capture ok; page messages: ${JSON.stringify(problems)}`);
} catch (e) {
  const page = browser.pages()[0];
  if (page) await page.screenshot({ path: join(shots, 'capture-failure.png'), fullPage: true });
  throw e;
} finally {
  await browser.close();
}
