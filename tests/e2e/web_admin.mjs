// End-to-end test of roles and moderation in the web page (issue 22), in
// Chromium against a private `townhall serve`: the owner (the first sign-up)
// and two members in a public channel, each in their own browser context,
// and newcomers in fresh ones.
//
//   (a) a member sees no Delete on others' messages, no admin panel, no
//       channel controls, and the owner's badge in the member list;
//   (b) the owner deletes a member's message: it goes live from the other
//       member's page (no reload); the owner renames and archives the
//       channel (a member's composer closes and opens again, live); makes
//       a member an admin, whose page then shows an admin's controls;
//   (c) sign-up set to invite-only in the panel: without an invite the
//       sign-up is refused with the server's reason shown; the invite link
//       made in the panel signs a newcomer up (the fragment leaves the
//       address bar); names are text, never markup;
//   (d) the owner removes a member from the channel, then deactivates them:
//       their open page drops to the sign-in screen within seconds, saying
//       why, and signing in again is refused;
//   (e) a reset link made in the panel sets a new password and signs in;
//   (f) the audit trail lists these actions, newest first;
//   and the owner changes their own password without losing the page.
//
//   TOWNHALL_BIN=build/townhall node tests/e2e/web_admin.mjs
//
// Screenshots and the server's log go to $TOWNHALL_ARTIFACTS/web-admin.

import assert from 'node:assert/strict';

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
  send,
  sees,
  signUp,
  sleep,
  until,
  useArtifacts,
} from '../support/browser.mjs';

useArtifacts('web-admin');

const CHANNEL = 'townsquare';
const PASSWORD = 'correct horse battery';
const DAVE = '<b>Dave</b>'; // a name that would be markup if it ever went through innerHTML

const heading = (user) => user.page.locator('#channel-name').textContent();
const messageItem = (user, text) =>
  user.page.locator('#message-list li.msg', { has: user.page.locator('.msg__text', { hasText: text }) });
const adminDialog = (user) => user.page.locator('#admin-dialog');
const authNotice = (user) => user.page.locator('#auth-notice');
const authError = (user) => user.page.locator('#auth-error');
const userRow = (user, name) => user.page.locator('#admin-user-list li', { has: user.page.locator('.admin-user__name', { hasText: name }) });

async function openMenu(user) {
  await user.page.locator('#user-menu-toggle').click();
  await user.page.locator('#user-menu').waitFor();
}

async function openAdmin(user, tab) {
  await openMenu(user);
  await user.page.getByRole('menuitem', { name: 'Admin panel' }).click();
  await adminDialog(user).waitFor();
  await adminDialog(user).getByRole('tab', { name: tab }).click();
}

async function closeAdmin(user) {
  await adminDialog(user).getByRole('button', { name: 'Close' }).click();
  await until('the admin panel closed', async () => !(await adminDialog(user).isVisible()));
}

async function confirm(user, button) {
  await user.page.locator('#confirm-dialog').getByRole('button', { name: button, exact: true }).click();
}

// The sign-up form filled in and sent (the page is already on it).
async function fillSignUp(page, name, email) {
  const form = page.locator('#auth-form');
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('E-mail').fill(email);
  await form.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
}

async function logIn(page, email, password) {
  await page.locator('#auth-form').getByLabel('E-mail').fill(email);
  await page.locator('#auth-form').getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

// Opens a link as a fresh document (a link with only another fragment would not reload the page).
async function openLink(user, url) {
  await user.page.goto('about:blank');
  await user.page.goto(url);
}

await runBrowserTest('web admin e2e', async (browser, base) => {
  const olive = await openUser(browser, base, 'Olive');
  const bob = await openUser(browser, base, 'Bob');
  const carol = await openUser(browser, base, 'Carol');
  await signUp(olive, base); // the first account: the owner
  await signUp(bob, base);
  await signUp(carol, base);
  assert.equal(await olive.page.locator('#me-role').textContent(), 'owner');
  assert.equal(await carol.page.locator('#me-role').isVisible(), false, 'a member has no badge');

  // --- Bob's public channel; Olive and Carol join; a message each ---
  await createChannel(bob, CHANNEL);
  const channelId = await activeChannelId(bob);
  for (const user of [olive, carol]) {
    await restAs(user, base, 'POST', `/api/channels/${channelId}/join`);
    await until(`#${CHANNEL} in ${user.name}'s sidebar`, async () =>
      (await user.page.locator('#channel-list .channel-link__name').allTextContents()).includes(CHANNEL));
    await channelLink(user, CHANNEL).click();
    await until(`${user.name} in #${CHANNEL}`, async () => (await heading(user)) === `#${CHANNEL}`);
  }
  await send(bob, 'Bob says hello');
  await send(carol, 'Carol was here');
  for (const user of [olive, bob, carol]) {
    await sees(user, 'Bob says hello');
    await sees(user, 'Carol was here');
  }

  // --- (a) Carol, a member: Delete on her own message only, no admin panel, no channel controls ---
  await messageItem(carol, 'Bob says hello').hover();
  assert.equal(await messageItem(carol, 'Bob says hello').getByRole('button', { name: 'Delete message' }).count(), 0);
  assert.equal(await messageItem(carol, 'Carol was here').getByRole('button', { name: 'Delete message' }).count(), 1);
  await openMenu(carol);
  assert.equal(await carol.page.getByRole('menuitem', { name: 'Change password' }).isVisible(), true);
  assert.equal(await carol.page.getByRole('menuitem', { name: 'Admin panel' }).isVisible(), false);
  await carol.page.keyboard.press('Escape');
  await until('Carol\'s menu closed', async () => !(await carol.page.locator('#user-menu').isVisible()));
  for (const control of ['#channel-edit', '#channel-archive']) {
    assert.equal(await carol.page.locator(control).isVisible(), false, `${control} hidden from a member`);
  }
  await carol.page.getByRole('button', { name: 'Members', exact: true }).click();
  const carolsOlive = carol.page.locator('#member-list li', { hasText: 'Olive' });
  await until('the owner\'s badge in Carol\'s member list', async () =>
    (await carolsOlive.locator('.role-badge').allTextContents()).join() === 'owner');
  assert.equal(await carol.page.getByRole('button', { name: 'Remove Bob' }).isVisible(), false);
  await screenshot(carol, 'member-view');
  await carol.page.locator('#members-close').click();

  // --- (b) Olive, the owner: Delete on Bob's message; gone live from Carol's page ---
  await carol.page.evaluate(() => { window.__sameDocument = true; });
  await messageItem(olive, 'Bob says hello').hover();
  await messageItem(olive, 'Bob says hello').getByRole('button', { name: 'Delete message' }).click();
  await until('the confirmation names Bob', async () => (await olive.page.locator('#confirm-text').textContent()).includes('by Bob'));
  await confirm(olive, 'Delete');
  await until('Bob\'s message gone from Carol\'s page', async () => !(await messageTexts(carol)).includes('Bob says hello'));
  assert.ok((await messageTexts(carol)).includes('This message was deleted.'));
  assert.equal(await carol.page.evaluate(() => window.__sameDocument), true, 'live, not by a reload');

  // The owner renames Bob's channel and archives it: Carol's composer closes, then opens again.
  await olive.page.locator('#channel-edit').click();
  await olive.page.locator('#edit-name').fill('plaza');
  await olive.page.locator('#edit-form').getByRole('button', { name: 'Save' }).click();
  await until('the new name on Carol\'s page', async () => (await heading(carol)) === '#plaza');
  await olive.page.getByRole('button', { name: 'Archive', exact: true }).click();
  await confirm(olive, 'Archive');
  await until('the archived notice on Carol\'s page', async () => carol.page.locator('#archived-notice').isVisible());
  assert.match(await carol.page.locator('#archived-notice').textContent(), /#plaza is archived/);
  assert.equal(await carol.page.locator('#composer-input').isDisabled(), true);
  await screenshot(carol, 'archived');
  await olive.page.getByRole('button', { name: 'Unarchive', exact: true }).click();
  await until('Carol\'s composer open again', async () => !(await carol.page.locator('#composer-input').isDisabled()));
  assert.equal(await carol.page.locator('#archived-notice').isVisible(), false);

  // --- the owner makes Bob an admin: his open page takes the role when he looks again ---
  await openAdmin(olive, 'Users');
  await olive.page.getByRole('button', { name: 'Make admin: Bob' }).click();
  await until('Bob listed as an admin', async () => (await userRow(olive, 'Bob').locator('.role-badge').allTextContents()).includes('admin'));
  await closeAdmin(olive);
  await bob.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))); // the tab back in view
  await until('Bob\'s admin badge', async () => (await bob.page.locator('#me-role').textContent()) === 'admin');
  await messageItem(bob, 'Carol was here').hover();
  assert.equal(await messageItem(bob, 'Carol was here').getByRole('button', { name: 'Delete message' }).count(), 1);
  await openAdmin(bob, 'Users');
  await until('Bob\'s user list', async () => (await bob.page.locator('#admin-user-list li').count()) === 3);
  // An admin manages members; roles and the owner are the owner's.
  assert.equal(await userRow(bob, 'Carol').getByRole('button', { name: 'Deactivate Carol' }).count(), 1);
  assert.equal(await userRow(bob, 'Carol').getByRole('button', { name: 'Make admin: Carol' }).count(), 0);
  assert.equal(await userRow(bob, 'Olive').getByRole('button').count(), 0);
  await adminDialog(bob).getByRole('tab', { name: 'Sign-up' }).click();
  await until('the sign-up policy read-only for an admin', async () => bob.page.locator('#signup-owner-only').isVisible());
  assert.equal(await bob.page.locator('#signup-save').isDisabled(), true);
  await closeAdmin(bob);

  // --- (c) sign-up by invitation only; an invite link from the panel ---
  await openAdmin(olive, 'Sign-up');
  await adminDialog(olive).getByLabel('Only people with an invite link').check();
  await adminDialog(olive).getByRole('button', { name: 'Save' }).click();
  await until('the policy saved', async () => (await olive.page.locator('#admin-status').textContent()).startsWith('Saved'));
  await adminDialog(olive).getByRole('tab', { name: 'Invites' }).click();
  await adminDialog(olive).getByRole('button', { name: 'Create invite link' }).click();
  const inviteField = olive.page.locator('#invite-created input');
  await inviteField.waitFor();
  const inviteUrl = await inviteField.inputValue();
  assert.match(inviteUrl, new RegExp(`^${base.replace(/[.]/g, '\\.')}/#invite=[\\w.-]+$`));
  await until('the invite listed', async () =>
    (await olive.page.locator('#admin-invite-list li[data-state="active"]').count()) === 1);
  await screenshot(olive, 'invites');
  await closeAdmin(olive);

  const dave = await openUser(browser, base, 'Dave');
  await dave.page.goto(base);
  await dave.page.getByRole('button', { name: 'Create an account' }).click();
  await until('the invitation-only note', async () =>
    /by invitation only/.test(await dave.page.locator('#auth-policy').textContent()));
  await fillSignUp(dave.page, DAVE, 'dave@example.com');
  await until('the refusal shown', async () => /invitation only/.test(await authError(dave).textContent()));
  await screenshot(dave, 'refused');

  await openLink(dave, inviteUrl);
  await until('the sign-up form with the invite', async () =>
    (await dave.page.locator('#auth-heading').textContent()) === 'Create an account' &&
    (await dave.page.locator('#auth-policy').textContent()) === 'You are signing up with an invitation.');
  assert.ok(!dave.page.url().includes('invite='), `the token left the address bar: ${dave.page.url()}`);
  await fillSignUp(dave.page, DAVE, 'dave@example.com');
  await dave.page.locator('#chat-view').waitFor();
  assert.equal(await dave.page.locator('#me-name').textContent(), DAVE);

  // --- (d) Carol removed from the channel, then deactivated while her page is open ---
  await olive.page.getByRole('button', { name: 'Members', exact: true }).click();
  await olive.page.getByRole('button', { name: 'Remove Carol' }).click();
  await confirm(olive, 'Remove');
  await until('plaza gone from Carol\'s sidebar', async () =>
    !(await carol.page.locator('#channel-list .channel-link__name').allTextContents()).includes('plaza'));
  await olive.page.locator('#members-close').click();

  await openAdmin(olive, 'Users');
  const users = olive.page.locator('#admin-user-list');
  await until('four users listed', async () => (await users.locator('li').count()) === 4);
  assert.ok((await users.locator('.admin-user__name').allTextContents()).includes(DAVE), 'the name as text');
  assert.equal(await users.locator('b').count(), 0, 'no <b> element made from a name');
  await users.getByRole('button', { name: 'Deactivate Carol' }).click();
  await confirm(olive, 'Deactivate');
  const sentAt = Date.now();
  await until('Carol marked deactivated', async () =>
    (await users.locator('li', { hasText: 'Carol' }).locator('.role-badge--off').count()) === 1);
  await until('Carol\'s page on the sign-in screen', async () => carol.page.locator('#auth-view').isVisible(), 8000);
  console.log(`Carol's page signed out ${Date.now() - sentAt} ms after the deactivation`);
  assert.equal(await authNotice(carol).textContent(), 'Your session ended: this account is deactivated.');
  await screenshot(carol, 'session-ended');
  await logIn(carol.page, carol.email, PASSWORD);
  await until('Carol refused', async () => /deactivated/.test(await authError(carol).textContent()));
  assert.equal(await carol.page.locator('#chat-view').isVisible(), false);

  // --- (e) a reset link for Dave: a new password, then signed in ---
  await users.getByRole('button', { name: `Password reset link for ${DAVE}` }).click();
  const resetField = users.getByRole('textbox', { name: `Password reset link for ${DAVE}` });
  await resetField.waitFor();
  const resetUrl = await resetField.inputValue();
  assert.match(resetUrl, /\/#reset=[\w.-]+$/);
  await screenshot(olive, 'users');
  await closeAdmin(olive);

  await dave.page.getByRole('button', { name: 'Log out' }).click();
  await dave.page.locator('#auth-view').waitFor();
  await openLink(dave, resetUrl);
  await until('the new-password form', async () => (await dave.page.locator('#auth-heading').textContent()) === 'Choose a new password');
  assert.ok(!dave.page.url().includes('reset='), 'the token left the address bar');
  assert.equal(await dave.page.locator('#auth-email').isVisible(), false);
  await dave.page.locator('#auth-form').getByLabel('New password').fill('a brand new secret');
  await dave.page.getByRole('button', { name: 'Set password' }).click();
  await dave.page.locator('#chat-view').waitFor();
  await until('Dave connected', async () => (await connectionState(dave)) === 'open');
  assert.equal(await dave.page.locator('#me-name').textContent(), DAVE);
  await dave.page.getByRole('button', { name: 'Log out' }).click();
  await dave.page.locator('#auth-view').waitFor();
  await logIn(dave.page, 'dave@example.com', PASSWORD);
  await until('the old password refused', async () => (await authError(dave).textContent()) !== '');
  await logIn(dave.page, 'dave@example.com', 'a brand new secret');
  await dave.page.locator('#chat-view').waitFor();

  // --- (f) the audit trail: these actions, newest first, names as text ---
  await openAdmin(olive, 'Audit trail');
  const audit = olive.page.locator('#admin-audit-list li');
  await until('the audit trail listed', async () => (await audit.count()) >= 10);
  const actions = await audit.evaluateAll((items) => items.map((li) => li.dataset.action));
  const expected = ['password.reset_link', 'user.deactivate', 'channel.remove_member', 'invite.create', 'signup.set',
    'role.set', 'channel.unarchive', 'channel.archive', 'channel.update', 'message.delete'];
  assert.deepEqual(actions.filter((a) => expected.includes(a)), expected, `newest first: ${actions.join(', ')}`);
  const texts = await audit.allTextContents();
  assert.match(texts[actions.indexOf('user.deactivate')], /Olive deactivated a user \(Carol\)/);
  assert.match(texts[actions.indexOf('password.reset_link')], /Olive made a password reset link \(<b>Dave<\/b>\)/);
  assert.equal(await olive.page.locator('#admin-audit-list b').count(), 0, 'no <b> element made from a detail');
  await screenshot(olive, 'audit');
  await closeAdmin(olive);

  // --- the owner changes their password: the page keeps its (new) session ---
  await openMenu(olive);
  await olive.page.getByRole('menuitem', { name: 'Change password' }).click();
  await olive.page.locator('#password-current').fill(PASSWORD);
  await olive.page.locator('#password-new').fill('an even better secret');
  await olive.page.locator('#password-form').getByRole('button', { name: 'Change password' }).click();
  await until('the password changed', async () => /password is changed/.test(await olive.page.locator('#password-done').textContent()));
  await olive.page.locator('#password-cancel').click();
  await sleep(1500); // the old session's socket closes (4003); the page must not sign out
  await until('Olive connected again', async () => (await connectionState(olive)) === 'open');
  assert.equal(await olive.page.locator('#chat-view').isVisible(), true);
  await send(olive, 'Still here after a new password');
  await sees(bob, 'Still here after a new password');
});
