// End-to-end test of presence in the web page, in Chromium against a private
// `townhall serve`: the dots before people's names (members panel, a direct
// message in the sidebar, one's own in the top bar) turning online, away
// (after a quiet spell; Bob's page goes away after 1.5 s instead of 5 min),
// online again at the next input, and offline when the page is closed; and
// both kept right across a reconnect (the list of people watched and the away
// status are sent again on the new socket).
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_presence.mjs

import assert from 'node:assert/strict';

import {
  activeChannelId,
  createChannel,
  openUser,
  restAs,
  runBrowserTest,
  screenshot,
  signUp,
  sleep,
  until,
  useArtifacts,
} from '../support/browser.mjs';

const artifacts = useArtifacts('web-presence');
const BOB_AWAY_AFTER_MS = 1500;

// Every socket the page opens and every frame it sends (the page's own
// WebSocket, only watched), so the test can drop a connection as a network
// would and see what goes out on the new one.
function recordSockets() {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__sent = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__sockets.push(this);
    }

    send(data) {
      window.__sent.push({ socket: window.__sockets.indexOf(this), frame: JSON.parse(String(data)) });
      super.send(data);
    }
  };
}

const heading = (user) => user.page.locator('#channel-name').textContent();
const memberDot = (user, userId) => user.page.locator(`#member-list li[data-user-id="${userId}"] .presence-dot`);
const dmDot = (user, name) =>
  user.page.locator('#dm-list a', { has: user.page.locator('.channel-link__name', { hasText: name }) }).locator('.presence-dot');
const ownDot = (user) => user.page.locator('#me-presence');
const stateOf = (dot) => dot.getAttribute('data-presence');

let wiggle = 0;
let lastNudge = 0;
// Input on the page: the pointer moves a little (a new spot each time, or no event fires).
async function nudge(user) {
  wiggle = (wiggle + 1) % 50;
  await user.page.mouse.move(300 + wiggle, 300 + (wiggle % 7));
  lastNudge = Date.now();
}

async function seesState(user, what, dot, state, { busy = null, timeoutMs = 10000 } = {}) {
  await until(`${user.name} to see ${what} ${state}`, async () => {
    if (busy) await nudge(busy);
    return (await stateOf(dot)) === state;
  }, timeoutMs);
}

async function dotIs(dot, state) {
  assert.equal(await stateOf(dot), state);
  assert.equal(await dot.getAttribute('role'), 'img');
  assert.equal(await dot.getAttribute('aria-label'), state);
  assert.equal(await dot.getAttribute('title'), state[0].toUpperCase() + state.slice(1));
}

await runBrowserTest('web presence e2e', async (browser, base) => {
  const alice = await openUser(browser, base, 'Alice');
  const bob = await openUser(browser, base, 'Bob');
  for (const user of [alice, bob]) await user.context.addInitScript(recordSockets);
  // Before the page's scripts run: Bob's page goes away after 1.5 s without input.
  await bob.context.addInitScript((ms) => {
    if (location.protocol.startsWith('http')) localStorage.setItem('townhallAwayAfterMs', String(ms));
  }, BOB_AWAY_AFTER_MS);
  await signUp(alice, base);
  await signUp(bob, base);
  const aliceId = (await restAs(alice, base, 'GET', '/api/me')).user.id;
  const bobId = (await restAs(bob, base, 'GET', '/api/me')).user.id;

  // --- the members panel: everyone listed has a dot, online while they are about ---
  await createChannel(alice, 'lobby');
  const lobbyId = await activeChannelId(alice);
  await restAs(bob, base, 'POST', `/api/channels/${lobbyId}/join`);
  await alice.page.getByRole('button', { name: 'Members' }).click();
  await until('Bob in Alice\'s member list', async () => (await memberDot(alice, bobId).count()) === 1);
  await seesState(alice, 'Bob in the members panel', memberDot(alice, bobId), 'online', { busy: bob });
  await dotIs(memberDot(alice, bobId), 'online');
  await seesState(alice, 'herself in the members panel', memberDot(alice, aliceId), 'online');
  await seesState(alice, 'herself in the top bar', ownDot(alice), 'online');
  await dotIs(ownDot(alice), 'online');
  const watched = await alice.page.evaluate(() => window.__sent.filter((s) => s.frame.type === 'watch_presence').map((s) => s.frame.users));
  assert.ok(watched.at(-1).includes(bobId) && watched.at(-1).includes(aliceId), `Alice watches herself and Bob: ${JSON.stringify(watched)}`);

  // --- a direct message: the other person's dot where the "@" was, for both ---
  await alice.page.getByRole('button', { name: 'Message Bob' }).click();
  await until('Alice in the conversation with Bob', async () => (await heading(alice)) === 'Bob');
  await until('the conversation in Bob\'s sidebar', async () => (await dmDot(bob, 'Alice').count()) === 1);
  await seesState(alice, 'Bob in the sidebar', dmDot(alice, 'Bob'), 'online', { busy: bob });
  await dotIs(dmDot(alice, 'Bob'), 'online');
  await seesState(bob, 'Alice in the sidebar', dmDot(bob, 'Alice'), 'online', { busy: bob });
  assert.equal(await alice.page.locator('#dm-list a', { hasText: 'Bob' }).locator('.channel-link__hash').count(), 0);
  // A screen reader hears the state after the name.
  assert.equal(await alice.page.getByRole('link', { name: 'Bob (direct message) online', exact: true }).count(), 1);
  if (!(await alice.page.locator('#members-panel').isVisible())) await alice.page.getByRole('button', { name: 'Members' }).click();
  await until('Bob in the conversation\'s member list', async () => (await memberDot(alice, bobId).count()) === 1);
  await seesState(alice, 'Bob in the members panel', memberDot(alice, bobId), 'online', { busy: bob });
  await screenshot(alice, 'online');

  // --- Bob goes quiet: away within a few seconds, for Alice and on his own page ---
  const quietFrom = lastNudge; // Alice saw him online right after it
  await seesState(alice, 'Bob in the sidebar', dmDot(alice, 'Bob'), 'away');
  assert.ok(Date.now() - quietFrom >= BOB_AWAY_AFTER_MS - 200, 'not away before the delay');
  await dotIs(dmDot(alice, 'Bob'), 'away');
  assert.equal(await alice.page.getByRole('link', { name: 'Bob (direct message) away', exact: true }).count(), 1);
  await seesState(alice, 'Bob in the members panel', memberDot(alice, bobId), 'away');
  await seesState(bob, 'himself in the top bar', ownDot(bob), 'away');
  assert.equal(await stateOf(ownDot(alice)), 'online', 'Alice is still about');
  await screenshot(alice, 'away');

  // --- the next input brings him back: a pointer move, then a key ---
  await nudge(bob);
  await seesState(alice, 'Bob in the sidebar', dmDot(alice, 'Bob'), 'online', { timeoutMs: 5000 });
  await seesState(bob, 'himself in the top bar', ownDot(bob), 'online', { timeoutMs: 5000 });
  await seesState(alice, 'Bob in the sidebar', dmDot(alice, 'Bob'), 'away');
  await bob.page.keyboard.press('Shift');
  await seesState(alice, 'Bob in the sidebar', dmDot(alice, 'Bob'), 'online', { timeoutMs: 5000 });
  const statuses = await bob.page.evaluate(() => window.__sent.filter((s) => s.frame.type === 'status').map((s) => s.frame.away));
  assert.deepEqual(statuses.slice(-4), [true, false, true, false], 'away and back, each said once');

  // --- Bob's connection drops while he is away: his new socket watches Alice again and says he is away ---
  await seesState(alice, 'Bob in the sidebar', dmDot(alice, 'Bob'), 'away');
  await bob.page.evaluate(() => window.__sockets.at(-1).close());
  await until('Bob reconnected', async () =>
    (await bob.page.evaluate(() => window.__sockets.length)) === 2 &&
    (await bob.page.locator('#connection').getAttribute('data-state')) === 'open');
  const onNewSocket = () => bob.page.evaluate(() => window.__sent.filter((s) => s.socket === 1).map((s) => s.frame));
  await until('the watch list and the away status on Bob\'s new socket', async () => {
    const frames = await onNewSocket();
    return frames.some((f) => f.type === 'watch_presence' && f.users.includes(aliceId)) &&
      frames.some((f) => f.type === 'status' && f.away === true);
  });
  await seesState(alice, 'Bob (reconnected, still away) in the sidebar', dmDot(alice, 'Bob'), 'away');
  await sleep(1000);
  assert.equal(await stateOf(dmDot(alice, 'Bob')), 'away', 'the new socket does not make him look back');
  await seesState(bob, 'Alice in the sidebar after reconnecting', dmDot(bob, 'Alice'), 'online');

  // --- Alice's connection drops: after it comes back she still hears of Bob's changes ---
  await alice.page.evaluate(() => window.__sockets.at(-1).close());
  await until('Alice reconnected', async () =>
    (await alice.page.evaluate(() => window.__sockets.length)) === 2 &&
    (await alice.page.locator('#connection').getAttribute('data-state')) === 'open');
  await until('Alice watches Bob on her new socket', async () =>
    (await alice.page.evaluate((id) => window.__sent.filter((s) => s.socket === 1 && s.frame.type === 'watch_presence')
      .some((s) => s.frame.users.includes(id)), bobId)));
  await nudge(bob);
  await seesState(alice, 'Bob back, on her new socket', dmDot(alice, 'Bob'), 'online', { timeoutMs: 5000 });

  // --- Bob closes his page: offline ---
  await bob.page.close();
  await seesState(alice, 'Bob in the sidebar', dmDot(alice, 'Bob'), 'offline');
  await dotIs(dmDot(alice, 'Bob'), 'offline');
  await seesState(alice, 'Bob in the members panel', memberDot(alice, bobId), 'offline');
  await dotIs(memberDot(alice, bobId), 'offline');
  assert.equal(await stateOf(ownDot(alice)), 'online');
  await screenshot(alice, 'offline');
});
