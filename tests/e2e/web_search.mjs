// End-to-end test of message search in the web page, in Chromium against a
// private `townhall serve`: the box (Ctrl+K, "/"), the results (channel,
// author, snippet with the matched word marked, and markup in a message shown
// as text), privacy (a private channel's message only for its members),
// filters, a bad query's error, "No messages match", "Load more"; opening a
// hit (the history around it, highlighted, live messages held back, "Jump to
// latest", newer pages on scrolling down), a direct message's hit named by
// the person, and a thread reply's hit opening its thread.
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_search.mjs

import assert from 'node:assert/strict';

import {
  activeChannelId,
  channelLink,
  createChannel,
  openUser,
  restAs,
  runBrowserTest,
  screenshot,
  send,
  sees,
  signUp,
  until,
  useArtifacts,
} from '../support/browser.mjs';

useArtifacts('web-search');

const PUBLIC = 'savanna';
const PRIVATE = 'hideout';
const FILLERS = 60; // after the zebra message: it is not on the newest page (50)
const ZEBRA = '<b>bold</b> zebra';

const heading = (user) => user.page.locator('#channel-name').textContent();
const searchBox = (user) => user.page.getByRole('searchbox', { name: 'Search messages' });
const panel = (user) => user.page.locator('#search-panel');
const hits = (user) => user.page.locator('#search-results button.search-hit');
const hitTexts = (user, part) => user.page.locator(`#search-results .search-hit__${part}`).allTextContents();
const searchError = (user) => user.page.locator('#search-error').textContent();
const searchStatus = (user) => user.page.locator('#search-status').textContent();
const messageItem = (user, text) =>
  user.page.locator('#message-list li.msg', { has: user.page.locator('.msg__text', { hasText: text }) });
const listTexts = (user) => user.page.locator('#message-list .msg__text').allTextContents();
const historyBar = (user) => user.page.locator('#history-bar');
const activeElementId = (user) => user.page.evaluate(() => document.activeElement && document.activeElement.id);

// Types a query and presses Enter; returns once the answer (results or error) is shown.
async function search(user, q) {
  await searchBox(user).fill(q);
  await searchBox(user).press('Enter');
  await until(`${user.name}'s answer for "${q}"`, async () => {
    if ((await panel(user).getAttribute('aria-busy')) !== null) return false;
    return /found|shown|No messages match/.test(await searchStatus(user)) || (await searchError(user)) !== '';
  });
}

// Whether a message's element lies within the visible part of the message list.
async function inView(user, locator) {
  const box = await locator.boundingBox();
  const pane = await user.page.locator('#messages').boundingBox();
  return Boolean(box && pane && box.height > 0 && box.y >= pane.y - 1 && box.y + box.height <= pane.y + pane.height + 1);
}

await runBrowserTest('web search e2e', async (browser, base) => {
  const alice = await openUser(browser, base, 'Alice');
  const bob = await openUser(browser, base, 'Bob');
  await signUp(alice, base);
  await signUp(bob, base);

  // --- Alice: a public and a private channel, a zebra in each, and many messages after the public one ---
  await createChannel(alice, PUBLIC);
  const publicId = await activeChannelId(alice);
  await alice.page.getByRole('button', { name: 'New channel' }).click();
  const create = alice.page.getByRole('dialog', { name: 'New channel' });
  await create.getByLabel('Name', { exact: true }).fill(PRIVATE);
  await create.getByLabel('Private').check();
  await create.getByRole('button', { name: 'Create', exact: true }).click();
  await until('Alice in the private channel', async () => (await heading(alice)) === `🔒 ${PRIVATE}`);
  await send(alice, 'zebra secret plans');
  await sees(alice, 'zebra secret plans');
  await channelLink(alice, PUBLIC).click();
  await until(`Alice back in #${PUBLIC}`, async () => (await heading(alice)) === `#${PUBLIC}`);
  await send(alice, ZEBRA);
  await sees(alice, ZEBRA);
  for (let i = 1; i <= FILLERS; i++) {
    await restAs(alice, base, 'POST', `/api/channels/${publicId}/messages`, { text: `filler ${i}`, client_message_id: `filler-${i}` });
  }
  await sees(alice, `filler ${FILLERS}`);

  // --- Bob: in a channel of his own, and a member of the public one ---
  await createChannel(bob, 'lobby');
  await restAs(bob, base, 'POST', `/api/channels/${publicId}/join`);
  await until(`#${PUBLIC} in Bob's sidebar`, async () =>
    (await bob.page.locator('#channel-list .channel-link__name').allTextContents()).includes(PUBLIC));

  // --- Ctrl+K from the composer puts the focus in the box; the panel shows the syntax ---
  assert.equal(await panel(bob).isVisible(), false);
  await bob.page.locator('#composer-input').focus();
  await bob.page.keyboard.press('Control+K');
  await until('the search box focused by Ctrl+K', async () => (await activeElementId(bob)) === 'search-input');
  await until('the panel open with the query syntax', async () => panel(bob).isVisible());
  assert.match(await bob.page.locator('#search-hint').textContent(), /in:#channel.*from:@person.*before:YYYY-MM-DD/s);
  assert.equal(await bob.page.locator('#composer-input').inputValue(), '', 'nothing typed into the composer');

  // --- Bob finds the public zebra only; its markup is text; the word is marked ---
  await search(bob, 'zebra');
  assert.equal(await hits(bob).count(), 1, 'one result: the private channel is not Bob\'s');
  assert.deepEqual(await hitTexts(bob, 'channel'), [`#${PUBLIC}`]);
  assert.deepEqual(await hitTexts(bob, 'author'), ['Alice']);
  assert.deepEqual(await hitTexts(bob, 'snippet'), [ZEBRA], 'the literal "<b>bold</b>"');
  assert.equal(await bob.page.locator('#search-results b').count(), 0, 'no <b> element made from the message');
  assert.deepEqual(await bob.page.locator('#search-results mark').allTextContents(), ['zebra']);
  assert.equal(await searchStatus(bob), '1 message found.');
  assert.match(await bob.page.locator('#search-results time').first().getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
  await screenshot(bob, 'results');

  // --- Escape closes the panel; the focus brings the results back ---
  await searchBox(bob).press('Escape');
  await until('Escape closed the panel', async () => !(await panel(bob).isVisible()));
  assert.equal(await heading(bob), '#lobby', 'and nothing else happened');
  await bob.page.locator('#composer-input').focus();
  await searchBox(bob).focus();
  await until('the results again', async () => (await panel(bob).isVisible()) && (await hits(bob).count()) === 1);

  // --- opening the hit: the history around it, in view and highlighted, the present held back ---
  await hits(bob).first().click();
  await until(`Bob in #${PUBLIC}`, async () => (await heading(bob)) === `#${PUBLIC}`);
  assert.equal(await panel(bob).isVisible(), false, 'the panel closed');
  const zebra = messageItem(bob, ZEBRA);
  await until('the zebra message in the list', async () => (await zebra.count()) === 1);
  await until('the zebra message highlighted', async () => /\bmsg--highlight\b/.test(await zebra.getAttribute('class')));
  await until('the zebra message in view', async () => inView(bob, zebra));
  assert.equal(await zebra.locator('.msg__text b').count(), 0, 'shown as text in the channel too');
  const around = await listTexts(bob);
  assert.ok(!around.includes(`filler ${FILLERS}`), 'the newest messages are not loaded');
  assert.ok(around.includes('filler 1'), 'the messages right after it are');
  await until('the "Jump to latest" bar', async () => historyBar(bob).isVisible());
  await screenshot(bob, 'opened-hit');

  // A message sent now is not appended below the old ones; the bar says it came.
  await restAs(alice, base, 'POST', `/api/channels/${publicId}/messages`, { text: 'fresh news', client_message_id: 'fresh-1' });
  await until('the bar tells Bob of new messages', async () =>
    (await bob.page.locator('#history-note').textContent()) === 'New messages have arrived.');
  assert.ok(!(await listTexts(bob)).includes('fresh news'), 'not appended to the history in the past');

  // "Jump to latest": the newest page, the bar gone.
  await bob.page.getByRole('button', { name: 'Jump to latest' }).click();
  await sees(bob, 'fresh news');
  await until('the latest filler in view', async () => inView(bob, messageItem(bob, `filler ${FILLERS}`)));
  await until('the bar gone', async () => !(await historyBar(bob).isVisible()));
  assert.ok(!(await listTexts(bob)).includes(ZEBRA), 'the newest page again, not the old window');
  await restAs(alice, base, 'POST', `/api/channels/${publicId}/messages`, { text: 'live again', client_message_id: 'fresh-2' });
  await sees(bob, 'live again');

  // --- opened again, scrolling down loads the newer messages until the present ---
  await search(bob, 'zebra');
  await hits(bob).first().click();
  await until('the zebra message again', async () => (await zebra.count()) === 1 && (await historyBar(bob).isVisible()));
  await until('scrolling down reaches the present', async () => {
    await bob.page.locator('#messages').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    return (await listTexts(bob)).includes('live again') && !(await historyBar(bob).isVisible());
  });
  const texts = await listTexts(bob);
  const expected = [ZEBRA, ...Array.from({ length: FILLERS }, (_, i) => `filler ${i + 1}`), 'fresh news', 'live again'];
  assert.deepEqual(texts, expected, 'every message once, in order, no gap');

  // --- Alice sees both; a filter narrows to one; a bad query says why; nothing found says so ---
  await search(alice, 'zebra');
  assert.equal(await hits(alice).count(), 2);
  assert.deepEqual((await hitTexts(alice, 'channel')).sort(), [`#${PRIVATE}`, `#${PUBLIC}`].sort());
  await search(alice, `zebra in:#${PUBLIC}`);
  assert.equal(await hits(alice).count(), 1);
  assert.deepEqual(await hitTexts(alice, 'channel'), [`#${PUBLIC}`]);
  await search(alice, 'before:yesterday');
  assert.match(await searchError(alice), /YYYY-MM-DD/);
  assert.equal(await hits(alice).count(), 0);
  await screenshot(alice, 'bad-query');
  await search(alice, 'okapi');
  assert.equal(await searchStatus(alice), 'No messages match.');
  assert.equal(await searchError(alice), '', 'the error is gone');

  // --- "Load more" pages through the results ---
  await search(alice, 'filler');
  assert.equal(await hits(alice).count(), 20);
  assert.equal(await searchStatus(alice), '20 messages shown; there are more.');
  const more = alice.page.getByRole('button', { name: 'Load more' });
  await more.click();
  await until('40 results', async () => (await hits(alice).count()) === 40);
  await more.click();
  await until('all 60 results', async () => (await hits(alice).count()) === FILLERS && (await searchStatus(alice)) === '60 messages found.');
  assert.equal(await more.isVisible(), false);
  const snippets = await hitTexts(alice, 'snippet');
  assert.equal(new Set(snippets).size, FILLERS, 'no result twice');
  await searchBox(alice).press('Escape');

  // --- a direct message's hit is named by the person, and opens the conversation ---
  const { channel: dm } = await restAs(alice, base, 'POST', '/api/conversations', { user_names: ['Bob'] });
  await restAs(alice, base, 'POST', `/api/channels/${dm.id}/messages`, { text: 'a meerkat for you', client_message_id: 'dm-1' });
  await search(bob, 'meerkat');
  assert.equal(await hits(bob).count(), 1);
  assert.deepEqual(await hitTexts(bob, 'channel'), ['Alice'], 'the person, not "#..."');
  await hits(bob).first().click();
  await until('Bob in the conversation with Alice', async () => (await heading(bob)) === 'Alice');
  await until('the direct message highlighted', async () =>
    /\bmsg--highlight\b/.test(await messageItem(bob, 'a meerkat for you').getAttribute('class')));
  assert.equal(await historyBar(bob).isVisible(), false, 'the newest message: nothing newer to jump to');

  // --- a thread reply's hit opens its thread (keyboard: "/", arrows, Enter) ---
  const found = await restAs(alice, base, 'GET', `/api/search?q=${encodeURIComponent(`zebra in:#${PUBLIC}`)}`);
  const zebraId = found.results[0].message.id;
  await restAs(alice, base, 'POST', `/api/channels/${publicId}/messages`, {
    text: 'a giraffe answered', client_message_id: 'reply-1', thread_root: zebraId,
  });
  await channelLink(bob, 'lobby').click();
  await until('Bob in #lobby', async () => (await heading(bob)) === '#lobby');
  await bob.page.locator('#messages').focus();
  await bob.page.keyboard.press('/');
  await until('the search box focused by "/"', async () => (await activeElementId(bob)) === 'search-input');
  assert.equal(await searchBox(bob).inputValue(), 'meerkat', 'the last query, selected');
  await search(bob, 'giraffe');
  assert.equal(await hits(bob).count(), 1);
  assert.deepEqual(await hitTexts(bob, 'thread'), ['in a thread']);
  await searchBox(bob).press('ArrowDown');
  await until('the first result focused', async () =>
    bob.page.evaluate(() => document.activeElement.classList.contains('search-hit')));
  await bob.page.keyboard.press('Enter');
  await until('the thread open', async () => bob.page.locator('#thread-panel').isVisible());
  await until('the reply highlighted in the thread', async () => {
    const reply = bob.page.locator('#thread-replies li.msg', { hasText: 'a giraffe answered' });
    return (await reply.count()) === 1 && /\bmsg--highlight\b/.test(await reply.getAttribute('class'));
  });
  assert.match(await bob.page.locator('#thread-root').textContent(), /<b>bold<\/b> zebra/);
  assert.equal(await heading(bob), `#${PUBLIC}`);
  await until('its root highlighted in the channel', async () => /\bmsg--highlight\b/.test(await zebra.getAttribute('class')));
  await screenshot(bob, 'thread-hit');
});
