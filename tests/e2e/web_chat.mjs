// End-to-end test of the web client (web/) in a real browser: Debian's
// Chromium driven by playwright-core against a private `townhall serve`.
//
// Two users in two browser contexts sign up, create and join a channel and
// talk live; one reloads and sees the history; one goes offline, misses
// messages, sends one that fails, comes back and gets exactly what it missed
// while its own message goes through; an XSS payload renders as text; edits,
// tombstones, reactions, unread badges, paging into history, members and counts, the
// narrow layout and dark mode are checked on the way. Screenshots and the
// server's log go to $TOWNHALL_ARTIFACTS/web (default build/test-artifacts/web).
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_chat.mjs
//   TOWNHALL_URL=http://127.0.0.1:8080 node tests/e2e/web_chat.mjs   # against a running server
//   TOWNHALL_DOCS_SCREENSHOT=docs/screenshot.png ...                    # also writes the README picture
//
// Without Chromium or playwright-core it exits 77 (ctest reports a skip);
// under CI=true it fails instead.

import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';

import {
  activeChannelId,
  channelLink,
  connectionState,
  createChannel,
  messageTexts,
  openUser,
  restAs,
  runBrowserTest,
  screenshot,
  sees,
  seesOnce,
  send,
  signUp,
  sleep,
  until,
  useArtifacts,
  waitForCounts,
} from '../support/browser.mjs';

useArtifacts('web');

await runBrowserTest('web e2e', async (browser, base, server) => {
  const alice = await openUser(browser, base, 'Alice');
  const bob = await openUser(browser, base, 'Bob');

  // --- sign up, create, browse and join ---
  await alice.page.goto(base);
  await alice.page.getByRole('heading', { name: 'Log in' }).waitFor();
  await screenshot(alice, 'login');
  await signUp(alice, base);
  await signUp(bob, base);

  await createChannel(alice, 'town-hall', 'General news for everyone');
  await waitForCounts(alice, '1 member', '0 messages');
  assert.equal(await alice.page.evaluate(() => document.activeElement.id), 'composer-input');

  await bob.page.getByRole('button', { name: 'Browse channels' }).click();
  await bob.page.getByLabel('Search by name').fill('TOWN');
  const joinButton = bob.page.getByRole('button', { name: 'Join #town-hall' });
  await joinButton.waitFor();
  await screenshot(bob, 'browse');
  await joinButton.click();
  await until('Bob in #town-hall', async () => (await bob.page.locator('#channel-name').textContent()) === '#town-hall');
  await channelLink(bob, 'town-hall').waitFor();
  await waitForCounts(alice, '2 members', '0 messages'); // member.joined, live
  await waitForCounts(bob, '2 members', '0 messages');

  // --- live messages both ways ---
  await send(alice, 'Hello Bob!');
  await seesOnce(bob, 'Hello Bob!');
  await send(bob, 'Hey Alice, how are you?');
  await seesOnce(alice, 'Hey Alice, how are you?');
  await send(alice, 'Fine, thanks.\nTwo lines, even.');
  await seesOnce(bob, 'Fine, thanks.\nTwo lines, even.');
  await waitForCounts(alice, '2 members', '3 messages');
  await waitForCounts(bob, '2 members', '3 messages');
  assert.equal(await alice.page.locator('#pending-list li').count(), 0, 'no send left pending');

  // --- an XSS payload is text ---
  const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold?</b> & "quotes"';
  await send(bob, payload);
  await seesOnce(alice, payload);
  await seesOnce(bob, payload);
  for (const user of [alice, bob]) {
    assert.equal(await user.page.evaluate(() => window.__xss), undefined, `a script ran for ${user.name}`);
    assert.equal(await user.page.locator('#message-list img, #message-list script, #message-list b').count(), 0);
    assert.equal(await user.page.locator('#message-list .msg__text').last().textContent(), payload);
  }
  await screenshot(alice, 'conversation');

  // --- reload: the history comes back, in order ---
  await alice.page.reload();
  await until('Alice reconnected', async () => (await connectionState(alice)) === 'open');
  await sees(alice, payload);
  assert.deepEqual(await messageTexts(alice), ['Hello Bob!', 'Hey Alice, how are you?', 'Fine, thanks.\nTwo lines, even.', payload]);
  await waitForCounts(alice, '2 members', '4 messages');

  // --- offline and back: Bob misses messages, one of his fails and is retried ---
  await bob.context.setOffline(true);
  await until('Bob offline', async () => ['offline', 'waiting'].includes(await connectionState(bob)));
  await send(bob, 'Written on the train');
  // Queued, not failed: it will go by itself once the connection is back (not red, no Retry).
  await until('Bob\'s send queued', async () => (await bob.page.locator('#pending-list .msg--queued').count()) === 1);
  assert.match(await bob.page.locator('#pending-list .msg--queued').textContent(), /Waiting for the connection/);
  assert.equal(await bob.page.locator('#pending-list .msg--failed').count(), 0);
  assert.equal(await bob.page.getByRole('button', { name: 'Retry' }).count(), 0);
  await screenshot(bob, 'offline');
  await send(alice, 'Missed one');
  await send(alice, 'Missed two');
  await sees(alice, 'Missed two');
  await bob.context.setOffline(false);
  await until('Bob back online', async () => (await connectionState(bob)) === 'open', 20000);
  await seesOnce(bob, 'Missed one');
  await seesOnce(bob, 'Missed two');
  await seesOnce(bob, 'Written on the train'); // redelivered with the same client message id
  await seesOnce(alice, 'Written on the train');
  await until('Bob\'s pending list empty', async () => (await bob.page.locator('#pending-list li').count()) === 0);
  const bobTexts = await messageTexts(bob);
  assert.ok(bobTexts.indexOf('Missed one') < bobTexts.indexOf('Missed two'), 'missed messages in order');
  await waitForCounts(bob, '2 members', '7 messages');
  await screenshot(bob, 'back-online');

  // --- the server restarts: both pages reconnect on their own and resume ---
  const restartMessages = server ? 2 : 0;
  if (server) {
    // While it is down the page counts down to its next try and offers not to wait.
    await server.restart(async () => {
      await until('Alice\'s reconnect countdown', async () =>
        (await alice.page.locator('#reconnect').isVisible()) &&
        /^in \d+ s$/.test(await alice.page.locator('#reconnect-countdown').textContent()));
    });
    await alice.page.getByRole('button', { name: 'Retry now' }).click();
    await restAs(bob, base, 'POST', `/api/channels/${encodeURIComponent(await activeChannelId(bob))}/messages`,
      { text: 'Sent while you were reconnecting', client_message_id: 'restart-1' });
    for (const user of [alice, bob]) {
      await until(`${user.name} reconnected after the restart`, async () => (await connectionState(user)) === 'open', 30000);
      await seesOnce(user, 'Sent while you were reconnecting');
    }
    await send(bob, 'Back after the restart');
    await seesOnce(alice, 'Back after the restart');
    await waitForCounts(alice, '2 members', '9 messages');
  }

  // --- edit with the keyboard (Up, Enter; Up, Escape), delete with confirmation ---
  const box = alice.page.locator('#composer-input');
  await box.focus();
  await box.press('ArrowUp');
  const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
  await editor.waitFor();
  assert.equal(await editor.inputValue(), 'Missed two');
  await editor.fill('Missed two (corrected)');
  await editor.press('Enter');
  await sees(bob, 'Missed two (corrected)');
  await until('"(edited)" mark for Bob', async () => (await bob.page.locator('#message-list li.msg:has(.msg__edited)').count()) === 1);
  await box.press('ArrowUp');
  await editor.waitFor();
  await editor.press('Escape');
  await until('edit cancelled', async () => (await alice.page.locator('.msg__editor').count()) === 0);
  assert.equal(await alice.page.evaluate(() => document.activeElement.id), 'composer-input');

  const target = alice.page.locator('#message-list li.msg', { hasText: 'Missed one' });
  await target.hover();
  await target.getByRole('button', { name: 'Delete message' }).click();
  await alice.page.locator('#confirm-dialog').getByRole('button', { name: 'Delete' }).click();
  for (const user of [alice, bob]) {
    await until(`${user.name} sees the tombstone`, async () =>
      (await user.page.locator('#message-list .msg--deleted .msg__text').allTextContents()).includes('This message was deleted.'));
    assert.ok(!(await messageTexts(user)).includes('Missed one'));
    await waitForCounts(user, '2 members', `${6 + restartMessages} messages`);
  }
  assert.equal(await bob.page.locator('#message-list li.msg--mine', { hasText: 'Missed' }).count(), 0, 'Bob cannot edit Alice');

  // --- reactions: picked from the menu, toggled on the chip, live both ways ---
  const reactionsOf = (user) => user.page.locator('#message-list li.msg', { hasText: 'Fine, thanks.' }).locator('.msg__reactions .reaction');
  const chipTexts = async (user) => (await reactionsOf(user).allTextContents()).join(',');
  const fine = bob.page.locator('#message-list li.msg', { hasText: 'Fine, thanks.' });
  await fine.hover();
  await fine.getByRole('button', { name: 'Add a reaction' }).click();
  const picker = bob.page.getByRole('menu', { name: 'Pick a reaction' });
  await picker.waitFor();
  await bob.page.keyboard.press('Escape'); // closes, back on the button
  assert.equal(await picker.count(), 0);
  assert.equal(await bob.page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Add a reaction');
  await bob.page.keyboard.press('Enter');
  await picker.getByRole('menuitem', { name: '👍' }).click();
  await until('Alice sees Bob\'s 👍', async () => (await chipTexts(alice)) === '👍 1');
  assert.equal(await reactionsOf(bob).first().getAttribute('aria-pressed'), 'true');
  assert.equal(await reactionsOf(alice).first().getAttribute('aria-pressed'), 'false');
  await reactionsOf(alice).first().click();
  for (const user of [alice, bob]) await until(`${user.name} sees 👍 2`, async () => (await chipTexts(user)) === '👍 2');
  assert.equal(await reactionsOf(alice).first().getAttribute('aria-pressed'), 'true');
  await screenshot(alice, 'reactions');
  await reactionsOf(bob).first().click(); // Bob takes his back
  for (const user of [alice, bob]) await until(`${user.name} sees 👍 1`, async () => (await chipTexts(user)) === '👍 1');
  assert.equal(await reactionsOf(bob).first().getAttribute('aria-pressed'), 'false');

  // --- unread badge, marked read on viewing, remembered by the server ---
  await createChannel(bob, 'bobs-corner');
  await send(alice, 'Are you there, Bob?');
  const badge = channelLink(bob, 'town-hall').locator('.badge');
  await until('unread badge 1', async () => (await badge.textContent()).startsWith('1'));
  assert.equal(await badge.textContent(), '1 unread message');
  await screenshot(bob, 'unread-badge');
  await channelLink(bob, 'town-hall').click();
  await sees(bob, 'Are you there, Bob?');
  assert.equal(await badge.count(), 0);
  await sleep(800); // the read marker is sent after a short pause
  await bob.page.goto(`${base}/#/c/${encodeURIComponent(await bob.page.evaluate(() => {
    const link = [...document.querySelectorAll('#channel-list a')].find((a) => a.textContent.includes('bobs-corner'));
    return link.dataset.channelId;
  }))}`);
  await until('Bob reloaded', async () => (await connectionState(bob)) === 'open');
  await channelLink(bob, 'town-hall').waitFor();
  assert.equal(await channelLink(bob, 'town-hall').locator('.badge').count(), 0, 'read marker kept by the server');

  // --- leave ---
  await bob.page.getByRole('button', { name: 'Leave' }).click();
  await until('bobs-corner gone from Bob\'s list', async () => (await channelLink(bob, 'bobs-corner').count()) === 0);

  // --- history paging: 70 messages, newest 50 first, the rest on scrolling up ---
  const { channel: history } = await restAs(alice, base, 'POST', '/api/channels', { name: 'history', description: 'Paging test' });
  for (let i = 1; i <= 70; i++) {
    await restAs(alice, base, 'POST', `/api/channels/${encodeURIComponent(history.id)}/messages`, { text: `history ${i}`, client_message_id: `history-${i}` });
  }
  await alice.page.reload(); // made through the API, as from another device
  await channelLink(alice, 'history').click();
  await sees(alice, 'history 70');
  await until('history fills the view, then stops', async () => (await alice.page.locator('#message-list li').count()) >= 50);
  await alice.page.locator('#messages').evaluate((el) => { el.scrollTop = 0; });
  await sees(alice, 'history 1');
  await alice.page.locator('#history-start').waitFor();
  const historyTexts = await messageTexts(alice);
  assert.deepEqual(historyTexts, Array.from({ length: 70 }, (_, i) => `history ${i + 1}`));
  await waitForCounts(alice, '1 member', '70 messages');
  // Reading old messages: a new one does not pull the view down but offers a way there.
  const scrollTop = () => alice.page.locator('#messages').evaluate((el) => el.scrollTop);
  const readingAt = await scrollTop();
  await restAs(alice, base, 'POST', `/api/channels/${encodeURIComponent(history.id)}/messages`, { text: 'history 71' });
  const jump = alice.page.getByRole('button', { name: 'New messages ↓' });
  await jump.waitFor();
  assert.equal(await scrollTop(), readingAt, 'the view stayed where it was');
  await jump.click();
  await until('scrolled to the newest', async () =>
    alice.page.locator('#messages').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 50));
  assert.equal(await jump.isVisible(), false);
  assert.equal((await messageTexts(alice)).at(-1), 'history 71');

  // --- members panel (AP5) with the count (AP7), and the main screen picture ---
  await channelLink(alice, 'town-hall').click();
  await sees(alice, 'Are you there, Bob?');
  await alice.page.getByRole('button', { name: 'Members' }).click();
  await until('members listed', async () => (await alice.page.locator('#member-list .member__name').count()) === 2);
  assert.deepEqual(await alice.page.locator('#member-list .member__name').allTextContents(), ['Alice', 'Bob']);
  assert.equal(await alice.page.locator('#members-count').textContent(), '(2)');
  await alice.page.locator('#messages').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  const mainScreen = await screenshot(alice, 'main-screen');
  if (process.env.TOWNHALL_DOCS_SCREENSHOT) await copyFile(mainScreen, process.env.TOWNHALL_DOCS_SCREENSHOT);

  // --- a phone-sized screen in dark mode, keyboard only ---
  const carol = await openUser(browser, base, 'Carol', { viewport: { width: 390, height: 800 }, colorScheme: 'dark', hasTouch: true });
  await signUp(carol, base);
  assert.equal(await carol.page.locator('#sidebar').isVisible(), false, 'channels start hidden on a phone');
  await carol.page.getByRole('button', { name: 'Show channels' }).click();
  await carol.page.getByRole('button', { name: 'Browse channels' }).waitFor();
  await carol.page.getByRole('button', { name: 'Browse channels' }).click();
  await carol.page.getByLabel('Search by name').fill('town');
  await carol.page.getByRole('button', { name: 'Join #town-hall' }).click();
  await sees(carol, 'Are you there, Bob?');
  await screenshot(carol, 'phone-dark');
  await waitForCounts(alice, '3 members', `${7 + restartMessages} messages`);
  // Alice's open members panel took Carol in live, in name order.
  await until('Carol in Alice\'s members panel', async () =>
    (await alice.page.locator('#member-list .member__name').allTextContents()).join() === 'Alice,Bob,Carol');
  assert.equal(await alice.page.locator('#members-count').textContent(), '(3)');
  await carol.page.locator('#composer-input').focus();
  await carol.page.keyboard.type('Hi from my phone');
  await carol.page.keyboard.press('Enter');
  await seesOnce(alice, 'Hi from my phone');
  await seesOnce(bob, 'Hi from my phone');
  // The announcer reads messages from others to screen readers.
  await until('announced to Alice', async () => (await alice.page.locator('#announcer').textContent()).includes('Carol: Hi from my phone'));

  // --- a link to a public channel: read first, join to write ---
  const townHallId = await channelLink(alice, 'town-hall').getAttribute('data-channel-id');
  const dave = await openUser(browser, base, 'Dave');
  await signUp(dave, base);
  await dave.page.goto(`${base}/#/c/${encodeURIComponent(townHallId)}`);
  await sees(dave, 'Hi from my phone');
  assert.equal(await dave.page.locator('#composer').isVisible(), false, 'no composer before joining');
  assert.equal(await dave.page.locator('#message-list .msg__actions').first().isVisible(), false, 'no reacting before joining');
  assert.equal(await channelLink(dave, 'town-hall').count(), 0, 'not in Dave\'s channels yet');
  await dave.page.getByRole('button', { name: 'Join', exact: true }).click();
  await dave.page.locator('#composer').waitFor();
  await channelLink(dave, 'town-hall').waitFor();
  await waitForCounts(alice, '4 members', `${8 + restartMessages} messages`);
  await send(dave, 'Dave here');
  await seesOnce(alice, 'Dave here');
  await dave.page.getByRole('button', { name: 'Leave' }).click();
  await until('Dave gone from Alice\'s members panel', async () =>
    (await alice.page.locator('#member-list .member__name').allTextContents()).join() === 'Alice,Bob,Carol');
  await waitForCounts(alice, '3 members', `${9 + restartMessages} messages`);

  // --- private channels stay out of sight ---
  const { channel: secret } = await restAs(alice, base, 'POST', '/api/channels', { name: 'secret-plans', private: true });
  await dave.page.getByRole('button', { name: 'Browse channels' }).click();
  await dave.page.getByLabel('Search by name').fill('secret');
  await until('no match for a private channel', async () =>
    (await dave.page.locator('#browse-status').textContent()) === 'No public channels match.');
  await dave.page.keyboard.press('Escape');
  await dave.page.goto(`${base}/#/c/${encodeURIComponent(secret.id)}`);
  await until('Dave told the channel is not there', async () =>
    (await dave.page.locator('#no-channel').textContent()).includes('does not exist, or you cannot see it'));
  assert.equal(await dave.page.locator('#message-list li').count(), 0);

  // --- log out ---
  await bob.page.getByRole('button', { name: 'Log out' }).click();
  await bob.page.getByRole('heading', { name: 'Log in' }).waitFor();
  await bob.page.getByLabel('E-mail').fill(bob.email);
  await bob.page.getByLabel('Password', { exact: true }).fill('wrong password');
  await bob.page.getByRole('button', { name: 'Log in' }).click();
  await until('login error shown', async () => (await bob.page.locator('#auth-error').textContent()).length > 0);
  await bob.page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await bob.page.getByRole('button', { name: 'Log in' }).click();
  await until('Bob logged in again', async () => (await connectionState(bob)) === 'open');
  await sees(bob, 'Hi from my phone');
});
