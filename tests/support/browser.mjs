// Shared by the browser tests (tests/e2e/*.mjs): Debian's Chromium through
// playwright-core, one browser context per user, and the steps a user takes.
// Without Chromium or playwright-core a test exits 77 (ctest reports a
// skip); under CI=true it fails instead.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startTownhall } from './townhall.mjs';


export const SKIP_EXIT_CODE = 77;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Screenshots of one test go to $TOWNHALL_ARTIFACTS/<name> (default build/test-artifacts/<name>).
export let artifacts = '';
export function useArtifacts(name) {
  artifacts = path.join(process.env.TOWNHALL_ARTIFACTS || path.join(repoRoot, 'build/test-artifacts'), name);
  return artifacts;
}

export function unavailable(what) {
  if (process.env.CI === 'true') {
    console.error(`FAIL: ${what} (required when CI=true)`);
    process.exit(1);
  }
  console.error(`SKIP: ${what}`);
  process.exit(SKIP_EXIT_CODE);
}

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) unavailable(`no Chromium at ${chromiumPath} (apt-get install chromium)`);
export let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  unavailable('the npm package playwright-core is missing (scripts/install-deps)');
}

// Without the background-networking flags Chromium keeps calling home, which
// floods a closed network.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(what, check, timeoutMs = 20000) { // generous: CI machines are shared
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? ` (${lastError.message})` : ''}`);
    }
    await sleep(50);
  }
}

export const users = [];
let step = 0;

export async function screenshot(user, name) {
  const file = path.join(artifacts, `${String(++step).padStart(2, '0')}-${user.name}-${name}.png`);
  await user.page.screenshot({ path: file });
  return file;
}

export async function openUser(browser, base, name, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const user = { name, context, page, problems: [], email: `${name.toLowerCase()}@example.com` };
  page.on('pageerror', (err) => user.problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // Expected: the 401 of /api/me before signing in, and sockets failing while offline.
    if (/Failed to load resource|WebSocket connection to .* failed|ERR_INTERNET_DISCONNECTED/.test(text)) return;
    user.problems.push(`console error: ${text}`);
  });
  page.on('dialog', (dialog) => {
    user.problems.push(`unexpected ${dialog.type()} dialog: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith(base.replace('http', 'ws')) && !url.startsWith('data:')) {
      user.problems.push(`request outside the server: ${url}`);
    }
  });
  users.push(user);
  return user;
}

export const connectionState = (user) => user.page.locator('#connection').getAttribute('data-state');

export async function signUp(user, base) {
  const { page } = user;
  await page.goto(base);
  await page.getByRole('button', { name: 'Create an account' }).click();
  const form = page.locator('#auth-form');
  await form.getByLabel('Name', { exact: true }).fill(user.name);
  await form.getByLabel('E-mail').fill(user.email);
  await form.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.locator('#chat-view').waitFor();
  await until(`${user.name} connected`, async () => (await connectionState(user)) === 'open');
  assert.equal(await page.locator('#me-name').textContent(), user.name);
}

export async function createChannel(user, name, description = '') {
  await user.page.getByRole('button', { name: 'New channel' }).click();
  const dialog = user.page.getByRole('dialog', { name: 'New channel' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  if (description) await dialog.getByLabel('Description').fill(description);
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await until(`${user.name} in #${name}`, async () => (await user.page.locator('#channel-name').textContent()) === `#${name}`);
}

export async function send(user, text) {
  const box = user.page.locator('#composer-input');
  await box.fill(text);
  await box.press('Enter');
}

export const messageTexts = (user) => user.page.locator('#message-list .msg__text').allTextContents();

export async function sees(user, text, timeoutMs) {
  await until(`${user.name} to see "${text}"`, async () => (await messageTexts(user)).includes(text), timeoutMs);
}

export async function seesOnce(user, text) {
  await sees(user, text);
  await sleep(300); // a duplicate would arrive right behind
  const count = (await messageTexts(user)).filter((t) => t === text).length;
  assert.equal(count, 1, `${user.name} sees "${text}" ${count} times`);
}

export async function headerCounts(user) {
  return {
    members: await user.page.locator('#channel-members-count').textContent(),
    messages: await user.page.locator('#channel-message-count').textContent(),
  };
}

export async function waitForCounts(user, members, messages) {
  await until(`${user.name}'s header to show ${members} / ${messages}`, async () => {
    const counts = await headerCounts(user);
    return counts.members === members && counts.messages === messages;
  });
}

export const activeChannelId = (user) => user.page.evaluate(() => decodeURIComponent(location.hash.slice('#/c/'.length)));

export function channelLink(user, name) {
  return user.page.locator('#channel-list a', { has: user.page.locator('.channel-link__name', { hasText: name }) });
}

// REST as the signed-in page would do it (shares the context's cookies).
export async function restAs(user, base, method, urlPath, body) {
  const cookies = await user.context.cookies(base);
  const csrf = cookies.find((c) => c.name === 'th_csrf')?.value || '';
  const response = await user.context.request.fetch(`${base}${urlPath}`, {
    method,
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok(), `${method} ${urlPath}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

// Runs one browser test: a private `townhall serve` (or the server at
// TOWNHALL_URL) and Chromium, then body(browser, base, server) (server is
// null with TOWNHALL_URL). Afterwards no page may have logged a problem. On
// a failure every page is photographed and the server's output printed;
// the server's log is kept with the screenshots. Sets the exit code.
// options.serveArgs: more `townhall serve` flags (e.g. ['--max-file-mb', '1']);
// not applied to a server at TOWNHALL_URL.
// options.tls: {ca, spki} when serveArgs make the server speak HTTPS with a
// certificate from the test's CA (the PEM file ca): Chromium then accepts
// that certificate's key (spki: the base64 SHA-256 of its public key), and no
// other certificate error (--ignore-certificate-errors-spki-list, not
// ignoreHTTPSErrors).
export async function runBrowserTest(label, body, { serveArgs = [], tls = null } = {}) {
  await mkdir(artifacts, { recursive: true });
  const external = process.env.TOWNHALL_URL;
  const server = external ? null : await startTownhall({ extraArgs: serveArgs, tls });
  const args = tls ? [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${tls.spki}`] : CHROMIUM_ARGS;
  const browser = await chromium.launch({ executablePath: chromiumPath, args, headless: true });
  try {
    await body(browser, external || server.url, server);
    for (const user of users) assert.deepEqual(user.problems, [], `${user.name}'s page had problems`);
    console.log(`${label}: ok (screenshots in ${artifacts})`);
  } catch (err) {
    for (const user of users) {
      await user.page.screenshot({ path: path.join(artifacts, `failure-${user.name}.png`) }).catch(() => {});
      if (user.problems.length) console.error(`${user.name}:`, user.problems.join('\n  '));
    }
    if (server) {
      const exited = server.exited();
      console.error(`--- townhall output${exited ? ` (it exited: ${JSON.stringify(exited)})` : ''} ---`);
      console.error(server.output().slice(-4000));
    }
    console.error(err);
    process.exitCode = 1;
  } finally {
    await browser.close();
    if (server) {
      await server.stop();
      await writeFile(path.join(artifacts, 'townhall.log'), server.output());
    }
  }
}
