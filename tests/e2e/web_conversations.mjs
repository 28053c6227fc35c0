// End-to-end test of direct and group conversations and of adding people to
// a private channel, in a real browser (Chromium through playwright-core)
// against a private `townhall serve`: four users in four browser contexts.
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_conversations.mjs
//
// Screenshots and the server's log go to $TOWNHALL_ARTIFACTS/web-conversations.

import assert from 'node:assert/strict';

import {
  activeChannelId,
  createChannel,
  openUser,
  restAs,
  runBrowserTest,
  screenshot,
  sees,
  seesOnce,
  send,
  signUp,
  until,
  useArtifacts,
} from '../support/browser.mjs';

async function waitForCounts(user, members) {
  await until(`${user.name}'s header to show ${members}`, async () =>
    (await user.page.locator('#channel-members-count').textContent()) === members);
}

const artifacts = useArtifacts('web-conversations');

const dmLinks = (user) => user.page.locator('#dm-list .channel-link__name').allTextContents();
const dmLink = (user, name) =>
  user.page.locator('#dm-list a', { has: user.page.locator('.channel-link__name', { hasText: name }) });
const messageTextsOf = (user) => user.page.locator('#message-list .msg__text').allTextContents();
const heading = (user) => user.page.locator('#channel-name').textContent();

async function dmBadge(user, name) {
  const badge = dmLink(user, name).locator('.badge');
  return (await badge.count()) ? (await badge.textContent()).replace(/\D+/g, '') : '';
}

await runBrowserTest('web conversations e2e', async (browser, base) => {
  const people = {};
  const unauthorized = [];
  for (const name of ['Alice', 'Bob', 'Carol', 'Eve']) {
    people[name] = await openUser(browser, base, name);
    // The browser's notifications and the page's visibility, stubbed: what triggers them is real.
    await people[name].context.addInitScript(() => {
      window.__notes = [];
      window.__hidden = false;
      Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (window.__hidden ? 'hidden' : 'visible') });
      class StubNotification {
        static permission = 'default';
        static async requestPermission() {
          StubNotification.permission = 'granted';
          return 'granted';
        }
        constructor(title, options) {
          this.title = title;
          this.body = options.body;
          this.tag = options.tag;
          window.__notes.push(this);
        }
        close() {}
      }
      window.Notification = StubNotification;
    });
    people[name].page.on('response', (r) => {
      if (r.status() === 401) unauthorized.push(`${name}: ${r.url()}`);
    });
    await signUp(people[name], base);
  }
  // A signed-out page does not ask the server who it is (no 401 in the console).
  assert.deepEqual(unauthorized, []);
  const { Alice: a, Bob: b, Carol: c, Eve: e } = people;

  // --- a direct message from the member list; Bob sees it appear at once ---
  await createChannel(a, 'general');
  const generalId = await activeChannelId(a);
  await restAs(b, base, 'POST', `/api/channels/${generalId}/join`);
  await a.page.getByRole('button', { name: 'Members' }).click();
  await a.page.getByRole('button', { name: 'Message Bob' }).click();
  await until('Alice in the conversation with Bob', async () => (await heading(a)) === 'Bob');
  assert.equal(await a.page.locator('#composer-input').getAttribute('placeholder'), 'Message Bob');
  assert.equal(await a.page.getByRole('button', { name: 'Leave' }).isVisible(), false, 'a conversation cannot be left');
  const dmId = await activeChannelId(a);
  assert.match(dmId, /^dm-/);
  await until('the conversation in Bob\'s sidebar, live', async () => (await dmLinks(b)).includes('Alice'));
  // Bob turns notifications on and looks away: Alice's messages notify him once per few seconds.
  await b.page.getByRole('button', { name: 'Turn on notifications' }).click();
  await until('the button gone once they are on', async () =>
    !(await b.page.getByRole('button', { name: 'Turn on notifications' }).isVisible()));
  await b.page.evaluate(() => { window.__hidden = true; });
  await send(a, 'psst, Bob');
  await until('Bob\'s unread badge on the conversation', async () => (await dmBadge(b, 'Alice')) === '1');
  await send(a, 'are you there?');
  await until('the second message counted', async () => (await dmBadge(b, 'Alice')) === '2');
  const notes = await b.page.evaluate(() => window.__notes.map((n) => [n.title, n.body, n.tag]));
  assert.deepEqual(notes, [['Alice', 'psst, Bob', dmId]], 'one notification for the burst');
  await b.page.evaluate(() => { window.__hidden = false; });
  await screenshot(b, 'dm-unread');
  // A click on the notification opens the conversation.
  await b.page.evaluate(() => window.__notes[0].onclick());
  await until('Bob in the conversation', async () => (await activeChannelId(b)) === dmId);
  await seesOnce(b, 'psst, Bob');
  await send(b, 'hi Alice');
  await seesOnce(a, 'hi Alice');
  // Bob mutes the conversation: no notification, kept after a reload; then unmutes it.
  await b.page.getByRole('button', { name: 'Mute' }).click();
  await until('muted', async () => (await b.page.locator('#channel-mute').getAttribute('aria-pressed')) === 'true');
  await b.page.evaluate(() => { window.__hidden = true; });
  await new Promise((resolve) => setTimeout(resolve, 5500)); // past the quiet time of the first notification
  await send(a, 'muted, so no notification');
  await sees(b, 'muted, so no notification');
  assert.equal(await b.page.evaluate(() => window.__notes.length), 1, 'a muted conversation does not notify');
  await b.page.reload();
  await until('still muted after a reload', async () =>
    (await b.page.locator('#channel-mute').getAttribute('aria-pressed')) === 'true' &&
    (await dmLink(b, 'Alice').getAttribute('class')).includes('channel-link--muted'));
  await b.page.getByRole('button', { name: 'Unmute' }).click();
  await until('unmuted', async () => (await b.page.locator('#channel-mute').getAttribute('aria-pressed')) === 'false');
  // Opening it again (from the dialog, by name in another case) lands in the same one.
  await a.page.getByRole('button', { name: 'New direct message' }).click();
  await a.page.getByRole('dialog', { name: 'New direct message' }).getByLabel(/^To/).fill('BOB');
  await a.page.getByRole('dialog', { name: 'New direct message' }).getByRole('button', { name: 'Start' }).click();
  await until('Alice back in the same conversation', async () => (await activeChannelId(a)) === dmId);
  assert.deepEqual(await dmLinks(a), ['Bob']);

  // --- two public channels cannot share a name: the dialog says so ---
  await b.page.getByRole('button', { name: 'New channel' }).click();
  const again = b.page.getByRole('dialog', { name: 'New channel' });
  await again.getByLabel('Name', { exact: true }).fill('General');
  await again.getByRole('button', { name: 'Create', exact: true }).click();
  await until('the name clash explained', async () =>
    (await b.page.locator('#create-error').textContent()).includes('already a public channel named General'));
  await again.getByRole('button', { name: 'Cancel' }).click();

  // --- a group, started by names; ordered by latest activity ---
  await a.page.getByRole('button', { name: 'New direct message' }).click();
  const dialog = a.page.getByRole('dialog', { name: 'New direct message' });
  await dialog.getByLabel(/^To/).fill('bob, nobody-here');
  await dialog.getByRole('button', { name: 'Start' }).click();
  await until('an unknown name is reported', async () =>
    (await a.page.locator('#people-error').textContent()).includes('nobody-here'));
  await dialog.getByLabel(/^To/).fill('bob, carol');
  await dialog.getByRole('button', { name: 'Start' }).click();
  await until('Alice in the group', async () => (await heading(a)) === 'Bob, Carol');
  await until('the group in Carol\'s sidebar, live', async () => (await dmLinks(c)).includes('Alice, Bob'));
  await send(a, 'group hello');
  await until('the group first in Bob\'s list', async () => (await dmLinks(b))[0] === 'Alice, Carol');
  await dmLink(c, 'Alice, Bob').click();
  await seesOnce(c, 'group hello');
  await b.page.locator('#composer-input').waitFor();
  await send(b, 'back to you, Alice');
  await until('the 1:1 first again in Alice\'s list', async () => (await dmLinks(a))[0] === 'Bob');
  await screenshot(a, 'conversations');

  // --- Eve sees none of it ---
  assert.deepEqual(await dmLinks(e), []);
  assert.equal(await e.page.locator('#dm-list-empty').isVisible(), true);
  await e.page.goto(`${base}/#/c/${encodeURIComponent(dmId)}`);
  await until('Eve told the conversation is not there', async () =>
    (await e.page.locator('#no-channel').textContent()).includes('does not exist, or you cannot see it'));
  assert.equal(await e.page.locator('#message-list li').count(), 0);
  const pageText = await e.page.locator('body').textContent();
  assert.ok(!pageText.includes('psst'), 'no message text reaches Eve');

  // --- adding people to a private channel; they see it at once ---
  await a.page.getByRole('button', { name: 'New channel' }).click();
  const create = a.page.getByRole('dialog', { name: 'New channel' });
  await create.getByLabel('Name', { exact: true }).fill('plans');
  await create.getByLabel(/^Private/).check();
  await create.getByRole('button', { name: 'Create', exact: true }).click();
  await until('Alice in 🔒 plans', async () => (await heading(a)) === '🔒 plans');
  await send(a, 'the plan is simple');
  if (!(await a.page.locator('#members-panel').isVisible())) {
    await a.page.getByRole('button', { name: 'Members' }).click();
  }
  await a.page.getByRole('button', { name: 'Add people' }).click();
  const add = a.page.getByRole('dialog', { name: 'Add people' });
  await add.getByLabel(/^Names/).fill('carol');
  await add.getByRole('button', { name: 'Add', exact: true }).click();
  const channelNames = (user) => user.page.locator('#channel-list .channel-link__name').allTextContents();
  await until('plans in Carol\'s sidebar, live', async () => (await channelNames(c)).includes('plans'));
  await until('Carol in Alice\'s member list', async () =>
    (await a.page.locator('#member-list .member__name').allTextContents()).includes('Carol'));
  await c.page.locator('#channel-list a', { hasText: 'plans' }).click();
  await sees(c, 'the plan is simple');
  await send(c, 'count me in');
  await seesOnce(a, 'count me in');
  assert.ok(!(await channelNames(e)).includes('plans'));
  assert.equal(await a.page.getByRole('button', { name: 'Add people' }).isVisible(), true);

  // A private channel keeps its lock after a reload, also while another one is open (the
  // my-channels answer carries the flag).
  await dmLink(c, 'Alice, Bob').click();
  await until('Carol in the group', async () => (await heading(c)) === 'Alice, Bob');
  await c.page.reload();
  await until('Carol back in the group', async () => (await heading(c)) === 'Alice, Bob');
  const plansIcon = c.page.locator('#channel-list a', { hasText: 'plans' }).locator('.channel-link__hash');
  await until('plans listed for Carol', async () => (await plansIcon.count()) === 1);
  assert.equal(await plansIcon.textContent(), '🔒');
  // After a reload (as after signing in) the composer has the focus.
  await until('the composer focused', async () => c.page.evaluate(() => document.activeElement?.id === 'composer-input'));

  // --- the creator removes Carol; the last member leaving archives it, after a warning ---
  await a.page.getByRole('button', { name: 'Remove Carol' }).click();
  await a.page.locator('#confirm-dialog').getByRole('button', { name: 'Remove' }).click();
  await until('plans gone from Carol\'s sidebar, live', async () => !(await channelNames(c)).includes('plans'));
  await until('Carol gone from Alice\'s members', async () =>
    !(await a.page.locator('#member-list .member__name').allTextContents()).includes('Carol'));
  await waitForCounts(a, '1 member');
  await a.page.getByRole('button', { name: 'Leave' }).click();
  await until('the archive warning', async () =>
    (await a.page.locator('#confirm-text').textContent()).includes('You are the last member'));
  await a.page.locator('#confirm-dialog').getByRole('button', { name: 'Leave and archive' }).click();
  await until('plans gone from Alice\'s sidebar', async () => !(await channelNames(a)).includes('plans'));
  await a.page.locator('#channel-list a', { hasText: 'general' }).click();
  await until('no "Add people" in a public channel', async () =>
    !(await a.page.getByRole('button', { name: 'Add people' }).isVisible()));
  await screenshot(c, 'added-to-private');

  // --- threads: reply, counts on the root, also to the channel, resume after going offline ---
  await a.page.locator('#channel-list a', { hasText: 'general' }).click();
  // Bob joined #general over REST, outside his page: he opens it by its address.
  await b.page.evaluate((id) => { location.hash = `#/c/${encodeURIComponent(id)}`; }, generalId);
  await until('Bob in #general', async () => (await heading(b)) === '#general');
  await send(a, 'release tonight?');
  await seesOnce(b, 'release tonight?');
  const rootOf = (user) => user.page.locator('#message-list li.msg', { hasText: 'release tonight?' });
  await rootOf(b).hover();
  await rootOf(b).getByRole('button', { name: 'Reply in a thread' }).click();
  await b.page.locator('#thread-panel').waitFor();
  await until('the root in Bob\'s thread panel', async () =>
    (await b.page.locator('#thread-root .msg__text').textContent()) === 'release tonight?');
  await b.page.locator('#thread-input').fill('yes, after the tests pass');
  await b.page.locator('#thread-input').press('Enter');
  const replyTexts = (user) => user.page.locator('#thread-replies .msg__text').allTextContents();
  await until('Bob\'s reply in his panel', async () => (await replyTexts(b)).includes('yes, after the tests pass'));
  await until('"1 reply" under the root for Alice, live', async () =>
    /^1 reply · last /.test(await rootOf(a).locator('.thread-link').textContent()));
  assert.ok(!(await messageTextsOf(a)).includes('yes, after the tests pass'), 'a thread reply stays out of the channel');
  await rootOf(a).locator('.thread-link').click();
  await until('Alice sees the reply in the thread', async () => (await replyTexts(a)).includes('yes, after the tests pass'));
  await a.page.locator('#thread-input').pressSequentially('@Bo');
  await until('the thread composer offers Bob', async () =>
    (await a.page.locator('#thread-input-mentions li').allTextContents()).join() === 'Bob');
  await a.page.locator('#thread-input').press('Tab');
  assert.equal(await a.page.locator('#thread-input').inputValue(), '@Bob ');
  await a.page.locator('#thread-input').press('Enter');
  await until('Bob sees himself mentioned in the thread', async () =>
    (await b.page.locator('#thread-replies .mention--me').count()) === 1);
  await a.page.locator('#thread-input').fill('shipping it');
  await a.page.locator('#thread-also').check();
  await a.page.locator('#thread-input').press('Enter');
  await until('the reply sent to the channel too shows there for Bob', async () =>
    (await messageTextsOf(b)).includes('shipping it'));
  await until('and in Bob\'s open thread', async () => (await replyTexts(b)).includes('shipping it'));
  await until('"3 replies" for Bob', async () => /^3 replies/.test(await rootOf(b).locator('.thread-link').textContent()));
  // Bob drops off; Alice replies twice; Bob comes back to exactly those two, once each.
  await b.context.setOffline(true);
  await until('Bob offline', async () => (await b.page.locator('#connection').getAttribute('data-state')) !== 'open');
  await a.page.locator('#thread-input').fill('while you were away 1');
  await a.page.locator('#thread-input').press('Enter');
  await until('Alice\'s first reply shown', async () => (await replyTexts(a)).includes('while you were away 1'));
  await a.page.locator('#thread-input').fill('while you were away 2');
  await a.page.locator('#thread-input').press('Enter');
  await until('Alice\'s second reply shown', async () => (await replyTexts(a)).includes('while you were away 2'));
  await b.context.setOffline(false);
  await until('Bob caught up in the thread', async () => (await replyTexts(b)).includes('while you were away 2'));
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the refresh after reconnecting lands too
  assert.deepEqual(await replyTexts(b), ['yes, after the tests pass', '@Bob', 'shipping it', 'while you were away 1', 'while you were away 2']);
  await until('"5 replies" for Bob', async () => /^5 replies/.test(await rootOf(b).locator('.thread-link').textContent()));
  assert.deepEqual(await messageTextsOf(b), ['release tonight?', 'shipping it'], 'only the reply sent to the channel is in it');
  await screenshot(b, 'thread');

  // A reply is a message: Bob edits his, Alice reacts to it, Bob deletes it; both sides follow.
  const bobsReply = (user) => user.page.locator('#thread-replies li.msg', { hasText: 'after the tests' });
  await bobsReply(b).hover();
  await bobsReply(b).getByRole('button', { name: 'Edit reply' }).click();
  await b.page.locator('#thread-replies textarea').fill('yes, after the tests pass (all of them)');
  await b.page.locator('#thread-replies textarea').press('Enter');
  await until('Alice sees the edit', async () => (await replyTexts(a)).includes('yes, after the tests pass (all of them)'));
  await bobsReply(a).hover();
  await bobsReply(a).getByRole('button', { name: 'Add a reaction' }).click();
  await a.page.locator('#thread-replies .reaction-menu button').first().click();
  await until('Bob sees the reaction on his reply', async () => (await bobsReply(b).locator('.msg__reactions .reaction').count()) === 1);
  await bobsReply(b).hover();
  await bobsReply(b).getByRole('button', { name: 'Delete reply' }).click();
  await b.page.locator('#confirm-dialog').getByRole('button', { name: 'Delete' }).click();
  await until('the tombstone in Alice\'s thread', async () => (await a.page.locator('#thread-replies .msg__tombstone').count()) === 1);
  await until('"4 replies" for Alice', async () => /^4 replies/.test(await rootOf(a).locator('.thread-link').textContent()));
});
