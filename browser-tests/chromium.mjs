// What both browser tests share: their settings from the environment, and Debian's Chromium started headless
// through playwright-core (no browser download, no network of its own) in a fresh profile.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The environment variable `name`; throws when it is missing or empty. */
export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing ${name}`);
  return value;
};

/** /usr/bin/chromium, headless, in a temporary profile. */
export const launch = () => chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tern-chromium-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
