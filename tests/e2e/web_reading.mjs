// End-to-end test of catching up in the web page, in Chromium against a
// private `townhall serve`: date separators, the time and "(edited)" of
// grouped messages within reach (hover and keyboard focus), the "New
// messages" line where reading stopped (live and after a reload), and a
// channel's topic edited after creation, live on the other side.
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_reading.mjs

import assert from 'node:assert/strict';

import {
  activeChannelId,
  createChannel,
  openUser,
  restAs,
  runBrowserTest,
  screenshot,
  sees,
  send,
  signUp,
  until,
  useArtifacts,
} from '../support/browser.mjs';

const artifacts = useArtifacts('web-reading');

const heading = (user) => user.page.locator('#channel-name').textContent();
const messageItem = (user, text) => user.page.locator('#message-list li.msg', { has: user.page.locator('.msg__text', { hasText: text }) });
const firstUnreadText = (user) => user.page.locator('#message-list li.msg--first-unread .msg__text').allTextContents();

async function openByLink(user, name) {
  await user.page.locator('#channel-list a', { hasText: name }).click();
  await until(`${user.name} in #${name}`, async () => (await heading(user)) === `#${name}`);
}

await runBrowserTest('web reading e2e', async (browser, base) => {
  const alice = await openUser(browser, base, 'Alice');
  const bob = await openUser(browser, base, 'Bob');
  await signUp(alice, base);
  await signUp(bob, base);
  await createChannel(alice, 'reading');
  const readingId = await activeChannelId(alice);
  await createChannel(bob, 'elsewhere');
  await restAs(bob, base, 'POST', `/api/channels/${readingId}/join`);
  await until('reading in Bob\'s sidebar (his join reached his page)', async () =>
    (await bob.page.locator('#channel-list .channel-link__name').allTextContents()).includes('reading'));
  await openByLink(bob, 'reading');

  // --- one day, one separator; grouped messages keep their time and "(edited)" within reach ---
  await send(alice, 'first of three');
  await send(alice, 'second of three');
  await send(alice, 'third of three');
  await sees(bob, 'third of three');
  assert.deepEqual(await bob.page.locator('#message-list .msg__day').allTextContents(), ['Today']);
  const second = messageItem(bob, 'second of three');
  assert.match(await second.getAttribute('class'), /msg--continued/);
  const time = second.locator('.msg__meta'); // author, time and "(edited)": clipped to 1px while hidden
  const hidden = await time.boundingBox();
  assert.ok(!hidden || hidden.width <= 1, 'a grouped message hides its time until asked');
  await second.hover();
  await until('the time shown on hover', async () => ((await time.boundingBox())?.width || 0) > 10);
  await bob.page.mouse.move(0, 0);
  await second.getByRole('button', { name: 'Add a reaction' }).focus();
  await until('the time shown on keyboard focus', async () => ((await time.boundingBox())?.width || 0) > 10);
  await bob.page.locator('#composer-input').focus();
  const aliceSecond = messageItem(alice, 'second of three');
  await aliceSecond.hover();
  await aliceSecond.getByRole('button', { name: 'Edit message' }).click();
  await alice.page.locator('#message-list textarea').fill('second of three, better');
  await alice.page.locator('#message-list textarea').press('Enter');
  const edited = messageItem(bob, 'second of three, better').locator('.msg__edited--inline');
  await until('"(edited)" in sight on Bob\'s grouped message', async () => (await edited.isVisible()));

  // --- the "New messages" line: where Bob stopped reading, live and after a reload ---
  // Bob has read all of it (a page in the background may have its timers held back: bring it up).
  await bob.page.bringToFront();
  const bobsMarker = async () =>
    (await restAs(bob, base, 'GET', '/api/me/channels')).channels.find((c) => c.channel_id === readingId).last_read;
  await until('Bob\'s read marker saved', async () => (await bobsMarker()) !== '');
  await openByLink(bob, 'elsewhere');
  await send(alice, 'while Bob was elsewhere 1');
  await send(alice, 'while Bob was elsewhere 2');
  await until('Bob\'s badge', async () =>
    (await bob.page.locator('#channel-list a', { hasText: 'reading' }).locator('.badge').count()) === 1);
  await openByLink(bob, 'reading');
  await until('the line above the first unread', async () =>
    (await firstUnreadText(bob)).join() === 'while Bob was elsewhere 1');
  await screenshot(bob, 'new-messages-line');
  await bob.page.bringToFront();
  const newestShown = () => bob.page.locator('#message-list li.msg').last().getAttribute('data-id');
  await until('Bob\'s marker at the newest', async () => (await bobsMarker()) === (await newestShown()));
  await openByLink(bob, 'elsewhere');
  await send(alice, 'after the reload');
  await until('Bob\'s badge again', async () =>
    (await bob.page.locator('#channel-list a', { hasText: 'reading' }).locator('.badge').count()) === 1);
  await bob.page.reload();
  await until('Bob back elsewhere', async () => (await heading(bob)) === '#elsewhere');
  await openByLink(bob, 'reading');
  await until('the line where the server\'s read marker says', async () =>
    (await firstUnreadText(bob)).join() === 'after the reload');

  // --- the topic, edited after creation, live for everyone in the channel ---
  assert.equal(await bob.page.getByRole('button', { name: 'Edit', exact: true }).isVisible(), false, 'only the creator edits');
  await alice.page.getByRole('button', { name: 'Edit', exact: true }).click();
  const dialog = alice.page.getByRole('dialog', { name: 'Edit channel' });
  await dialog.getByLabel('Topic and description').fill('Where we read together');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await until('the topic for Alice', async () =>
    (await alice.page.locator('#channel-description').textContent()) === 'Where we read together');
  await until('the topic for Bob, live', async () =>
    (await bob.page.locator('#channel-description').textContent()) === 'Where we read together');
  await screenshot(alice, 'topic');

  // --- typing: shown to the other, gone when the message arrives ---
  await alice.page.locator('#composer-input').pressSequentially('on my way', { delay: 20 });
  // The page sends at most one typing event per 3 s (an earlier one may be that recent): keep typing.
  await until('"Alice is typing…" for Bob', async () => {
    await alice.page.locator('#composer-input').press('Space');
    await alice.page.locator('#composer-input').press('Backspace');
    return (await bob.page.locator('#typing').textContent()) === 'Alice is typing…';
  });
  assert.equal(await alice.page.locator('#typing').textContent(), '', 'not one\'s own');
  await alice.page.locator('#composer-input').press('Enter');
  await sees(bob, 'on my way');
  await until('the typing line cleared', async () => (await bob.page.locator('#typing').textContent()) === '');

  // --- mentions: picked by name, highlighted, counted, listed, and gone when edited out ---
  await openByLink(bob, 'elsewhere');
  const box = alice.page.locator('#composer-input');
  await box.pressSequentially('hey @Bo');
  await until('the picker offers Bob', async () =>
    (await alice.page.locator('#composer-input-mentions li').allTextContents()).join() === 'Bob');
  await box.press('Enter'); // takes the name, does not send
  assert.equal(await box.inputValue(), 'hey @Bob ');
  await box.pressSequentially('look at this');
  await box.press('Enter');
  const mentionBadge = bob.page.locator('#channel-list a', { hasText: 'reading' }).locator('.badge--mention');
  await until('Bob\'s "@1" on #reading', async () => (await mentionBadge.count()) === 1 && (await mentionBadge.textContent()).startsWith('@1'));
  const favicon = bob.page.locator('link[rel="icon"]');
  assert.equal(await favicon.getAttribute('data-count'), '1', 'the tab\'s icon counts the mention');
  assert.match(await favicon.getAttribute('href'), /^data:image\/svg\+xml,/);
  await openByLink(bob, 'reading');
  const mentioned = messageItem(bob, 'look at this');
  await until('his name highlighted', async () => (await mentioned.locator('.mention--me').textContent()) === '@Bob');
  assert.match(await mentioned.getAttribute('class'), /msg--mentions-me/);
  await bob.page.getByRole('button', { name: 'Mentions' }).click();
  await until('the Mentions view lists it', async () =>
    (await bob.page.locator('#mentions-list .msg__text').allTextContents()).join() === 'hey @Bob look at this');
  await bob.page.keyboard.press('Escape');
  const alicesMention = messageItem(alice, 'look at this');
  await alicesMention.hover();
  await alicesMention.getByRole('button', { name: 'Edit message' }).click();
  await alice.page.locator('#message-list textarea').fill('hey, look at this');
  await alice.page.locator('#message-list textarea').press('Enter');
  await until('the edit for Bob', async () => (await messageItem(bob, 'hey, look at this').count()) === 1);
  await bob.page.getByRole('button', { name: 'Mentions' }).click();
  await until('the Mentions view empty after the edit', async () =>
    (await bob.page.locator('#mentions-status').textContent()) === 'Nobody has mentioned you yet.');
  await bob.page.keyboard.press('Escape');

  // --- @channel: offered after the people, counts for everyone else ---
  await openByLink(bob, 'elsewhere');
  await box.pressSequentially('@chan');
  await until('the picker offers @channel', async () =>
    (await alice.page.locator('#composer-input-mentions li').allTextContents()).join() === 'channel — notify everyone in it');
  await box.press('Enter');
  await box.pressSequentially('standup in 5');
  await box.press('Enter');
  await until('Bob\'s "@1" for the @channel', async () => (await mentionBadge.count()) === 1);
  await openByLink(bob, 'reading');
  await until('@channel highlighted for Bob', async () =>
    (await messageItem(bob, 'standup in 5').locator('.mention--me').textContent()) === '@channel');

  // --- @here: the members online now (Bob is: his page is open) ---
  await openByLink(bob, 'elsewhere');
  await box.pressSequentially('@her');
  await until('the picker offers @here', async () =>
    (await alice.page.locator('#composer-input-mentions li').allTextContents()).join() === 'here — notify who is online now');
  await box.press('Enter');
  await box.pressSequentially('who is around?');
  await box.press('Enter');
  await until('Bob\'s "@1" for the @here', async () => (await mentionBadge.count()) === 1);
  await openByLink(bob, 'reading');
  await until('@here highlighted for Bob', async () =>
    (await messageItem(bob, 'who is around?').locator('.mention--me').textContent()) === '@here');

  // --- Markdown as people write it, and nothing that runs ---
  const formatted = '**bold** _it_ ~~gone~~ `a<b` see https://example.com/x :tada:\n' +
    '[bad](javascript:window.__xss=1) <img src=x onerror="window.__xss=2"> [ok](https://example.org)';
  await send(alice, formatted);
  await send(alice, '```\nconst x = "<b>";\n```');
  const last = bob.page.locator('#message-list li.msg', { hasText: 'see https://example.com/x' });
  await until('the formatted message for Bob', async () => (await last.count()) === 1);
  assert.equal(await last.locator('strong').textContent(), 'bold');
  assert.equal(await last.locator('em').textContent(), 'it');
  assert.equal(await last.locator('del').textContent(), 'gone');
  assert.equal(await last.locator('code').textContent(), 'a<b');
  assert.match(await last.locator('.msg__text').textContent(), /🎉/);
  const links = await last.locator('.msg__text a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.target, a.rel, a.textContent]));
  assert.deepEqual(links, [
    ['https://example.com/x', '_blank', 'noopener noreferrer nofollow', 'https://example.com/x'],
    ['https://example.org', '_blank', 'noopener noreferrer nofollow', 'ok'],
  ]);
  assert.equal(await bob.page.locator('#message-list img, #message-list script').count(), 0);
  assert.match(await last.locator('.msg__text').textContent(), /\[?bad\]?.*<img src=x onerror="window.__xss=2">/s);
  await until('the code block', async () => (await bob.page.locator('#message-list pre code').count()) === 1);
  assert.equal(await bob.page.locator('#message-list pre code').textContent(), 'const x = "<b>";\n');
  await bob.page.locator('#message-list .msg__text a', { hasText: 'bad' }).count(); // (not a link: nothing to click)
  assert.equal(await bob.page.locator('#message-list .msg__text a', { hasText: 'bad' }).count(), 0);
  assert.equal(await bob.page.evaluate(() => window.__xss), undefined);
  await screenshot(bob, 'formatting');

  // --- on a phone: the members panel has a backdrop and Escape closes it from anywhere;
  // a message's actions show for the one tapped, not as a row under every message ---
  const carol = await openUser(browser, base, 'Carol', { viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
  await signUp(carol, base);
  assert.equal(await carol.page.evaluate(() => matchMedia('(hover: none)').matches), true, 'a touch screen');
  await restAs(carol, base, 'POST', `/api/channels/${readingId}/join`);
  await carol.page.evaluate((id) => { location.hash = `#/c/${encodeURIComponent(id)}`; }, readingId);
  await until('Carol in #reading', async () => (await heading(carol)) === '#reading');
  await send(carol, 'from my phone');
  await sees(carol, 'from my phone');
  const visibleActions = () => carol.page.locator('#message-list .msg__actions').evaluateAll(
    (all) => all.filter((a) => getComputedStyle(a).display !== 'none').length);
  assert.equal(await visibleActions(), 0, 'no action rows before a tap');
  await messageItem(carol, 'from my phone').locator('.msg__text').tap();
  await until('the tapped message\'s actions', async () => (await visibleActions()) === 1);
  assert.equal(await messageItem(carol, 'from my phone').getByRole('button', { name: 'Edit message' }).isVisible(), true);
  await carol.page.getByRole('button', { name: 'Members' }).tap();
  await until('the panel and its backdrop', async () =>
    (await carol.page.locator('#members-panel').isVisible()) && (await carol.page.locator('#panel-scrim').isVisible()));
  await carol.page.evaluate(() => document.activeElement && document.activeElement.blur());
  await carol.page.keyboard.press('Escape');
  await until('Escape closed it', async () => !(await carol.page.locator('#members-panel').isVisible()));
  assert.equal(await carol.page.locator('#panel-scrim').isVisible(), false);
  await carol.page.getByRole('button', { name: 'Members' }).tap();
  await carol.page.locator('#members-panel').waitFor();
  await carol.page.mouse.click(20, 400); // beside the panel, on the backdrop
  await until('a tap beside it closed it', async () => !(await carol.page.locator('#members-panel').isVisible()));
  await screenshot(carol, 'phone');
});
