// Renders docs/screenshot.png, the picture in the README: a private townhall
// serve with a few users, channels and messages set up over the REST API,
// then the main screen as one of them sees it, in Chromium. Not a test; run
// it after changing how the page looks:
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/readme_screenshot.mjs [out.png]

import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { startTownhall } from '../support/townhall.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = process.argv[2] || path.join(repoRoot, 'docs/screenshot.png');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A signed-up user talking to the REST API with its session cookie.
async function signUp(base, name) {
  const response = await fetch(`${base}/api/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, email: `${name.toLowerCase()}@example.com`, password: 'correct horse battery' }),
  });
  if (!response.ok) throw new Error(`signup ${name}: ${response.status} ${await response.text()}`);
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  const csrf = decodeURIComponent(cookies.find((c) => c.startsWith('th_csrf=')).slice('th_csrf='.length));
  const user = {
    name,
    cookies,
    async call(method, urlPath, body) {
      const r = await fetch(`${base}${urlPath}`, {
        method,
        headers: { Cookie: cookies.join('; '), 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`${method} ${urlPath}: ${r.status} ${await r.text()}`);
      return r.status === 204 ? null : r.json();
    },
  };
  return user;
}

const server = await startTownhall();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
try {
  const base = server.url;
  const ada = await signUp(base, 'Ada');
  const grace = await signUp(base, 'Grace');
  const linus = await signUp(base, 'Linus');
  const channel = async (owner, name, description) => (await owner.call('POST', '/api/channels', { name, description })).channel.id;
  const say = (user, id, text) => user.call('POST', `/api/channels/${encodeURIComponent(id)}/messages`, { text });

  const townHall = await channel(ada, 'town-hall', 'General news for everyone');
  const design = await channel(grace, 'design', 'Sketches, mock-ups and critique');
  const releases = await channel(linus, 'releases', 'What shipped, what is next');
  for (const id of [townHall, design, releases]) {
    for (const user of [ada, grace, linus]) await user.call('POST', `/api/channels/${encodeURIComponent(id)}/join`);
  }
  await say(ada, townHall, 'Good morning! The new build is on staging.');
  await say(grace, townHall, 'Morning Ada. Trying it now.');
  await say(grace, townHall, 'Reconnecting after a network drop picks up right where it left off. Nice.');
  await say(linus, townHall, 'Same here, and the unread counts survive a reload.');
  const edited = await say(ada, townHall, 'Release notes are in #releases; questions welcome here.');
  await ada.call('PATCH', `/api/channels/${encodeURIComponent(townHall)}/messages/${encodeURIComponent(edited.message.id)}`,
    { text: 'Release notes are in #releases. Questions welcome here!' });
  await say(linus, releases, 'v0.1: chat over REST and WebSocket, embedded store.');
  await say(grace, design, 'New channel header mock-up is up.');
  await say(grace, design, 'Dark mode palette too.');

  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme: 'light' });
  await context.addCookies(ada.cookies.map((c) => {
    const [name, ...value] = c.split('=');
    return { name, value: value.join('='), url: base };
  }));
  const page = await context.newPage();
  await page.goto(`${base}/#/c/${encodeURIComponent(townHall)}`);
  await page.locator('#connection[data-state="open"]').waitFor();
  await page.getByText('Questions welcome here!').waitFor();
  await page.getByRole('button', { name: 'Members' }).click();
  await page.locator('#member-list li').nth(2).waitFor();
  await page.locator('#composer-input').fill('Thanks both, merging tonight.');
  await page.mouse.move(0, 0);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
