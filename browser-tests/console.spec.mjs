// Drives Debian's Chromium through the Tern console: log in, find a queued message by search, open a mailbox
// message, open another folder and delete its message, read the recent log. Run by ConsoleBrowserTest with
// TERN_URL, TERN_USER, TERN_PASSWORD, TERN_QUEUE_ID, TERN_MAILBOX, TERN_SUBJECT, TERN_FOLDER, TERN_FOLDER_SUBJECT
// and TERN_SCREENSHOTS in the environment; exits non-zero on the first failed step.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { env, launch } from './chromium.mjs';

const url = env('TERN_URL');
const shots = env('TERN_SCREENSHOTS');
mkdirSync(shots, { recursive: true });

const browser = await launch();
const timeout = 10000;
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.goto(url + '/console/', { timeout });
  await page.locator('#login-view').waitFor({ state: 'visible', timeout });
  await page.fill('#username', env('TERN_USER'));
  await page.fill('#password', 'not the password');
  await page.click('#login-form button[type=submit]');
  await page.locator('#login-error', { hasText: 'wrong username or password' }).waitFor({ timeout });
  await page.fill('#password', env('TERN_PASSWORD'));
  await page.click('#login-form button[type=submit]');
  await page.locator('#queue-view').waitFor({ state: 'visible', timeout });
  await page.screenshot({ path: join(shots, '1-queue.png'), fullPage: true });

  const id = env('TERN_QUEUE_ID');
  await page.fill('#queue-q', id);
  await page.click('#queue-search button[type=submit]');
  await page.locator('#queue-total', { hasText: '(1)' }).waitFor({ timeout });
  const row = page.locator(`#queue-rows tr[data-id="${id}"]`);
  if (await page.locator('#queue-rows tr').count() !== 1) throw new Error('the search did not narrow the queue to one message');
  await row.click();
  await page.locator('#queue-detail', { hasText: 'pending' }).waitFor({ timeout });
  await page.screenshot({ path: join(shots, '2-queue-search.png'), fullPage: true });

  await page.click('#nav-mail');
  await page.fill('#mail-user', env('TERN_MAILBOX'));
  await page.click('#mail-open button[type=submit]');
  const subject = env('TERN_SUBJECT');
  await page.locator('#mail-rows td', { hasText: subject }).click({ timeout });
  await page.locator('#mail-message h3', { hasText: subject }).waitFor({ timeout });
  await page.locator('#mail-message pre').waitFor({ timeout });
  const frame = page.frameLocator('#mail-message iframe');
  await frame.locator('body', { hasText: 'rendered html' }).waitFor({ timeout });
  if (await frame.locator('script, img[src^="http"]').count() !== 0) throw new Error('the HTML part was not sanitised');
  await page.locator('#mail-message p', { hasText: '1 remote image(s) blocked' }).waitFor({ timeout });
  await page.locator('#mail-message a.attachment', { hasText: 'notes.txt' }).waitFor({ timeout });
  await page.screenshot({ path: join(shots, '3-mailbox-message.png'), fullPage: true });
  await page.click('#nav-server');
  await page.locator('#health', { hasText: 'queue: 2 messages' }).waitFor({ timeout });
  await page.locator('#account-rows td', { hasText: env('TERN_USER') }).first().waitFor({ timeout });
  await page.screenshot({ path: join(shots, '4-server.png'), fullPage: true });

  // A folder other than INBOX (made over IMAP), a message deleted from it, and the recent log.
  await page.click('#nav-mail');
  await page.fill('#mail-user', env('TERN_USER'));
  await page.click('#mail-open button[type=submit]');
  const folder = env('TERN_FOLDER');
  await page.locator(`#mail-folders button[data-folder="${folder}"]`).click({ timeout });
  await page.locator('#mail-folder', { hasText: `${folder} (1)` }).waitFor({ timeout });
  const archived = env('TERN_FOLDER_SUBJECT');
  await page.locator('#mail-rows td', { hasText: archived }).click({ timeout });
  await page.locator('#mail-message pre', { hasText: 'kept in a folder' }).waitFor({ timeout });
  await page.screenshot({ path: join(shots, '5-folder.png'), fullPage: true });
  await page.click('#mail-delete');
  await page.locator('#mail-delete', { hasText: 'Delete for good' }).waitFor({ timeout });
  await page.click('#mail-delete');
  await page.locator('#status', { hasText: 'deleted message' }).waitFor({ timeout });
  await page.locator('#mail-folder', { hasText: `${folder} (0)` }).waitFor({ timeout });
  if (await page.locator('#mail-rows tr').count() !== 0) throw new Error('the deleted message is still listed');
  await page.screenshot({ path: join(shots, '6-deleted.png'), fullPage: true });
  await page.click('#nav-log');
  await page.locator('#log-rows td', { hasText: 'auth ok user=' + env('TERN_USER') }).first().waitFor({ timeout });
  await page.screenshot({ path: join(shots, '7-log.png'), fullPage: true });
  if (await page.evaluate(() => window.ternPwned === true)) throw new Error('a script from the mail ran in the console');
  const csp = problems.filter((p) => !p.includes('401'));
  console.log(`console ok; page messages: ${JSON.stringify(csp)}`);
} catch (e) {
  const page = browser.pages()[0];
  if (page) {
    console.log('status: ' + await page.locator('#status').textContent());
    await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true });
  }
  throw e;
} finally {
  await browser.close();
}
