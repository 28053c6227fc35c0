// The admin panel's Invites and Sign-up tabs. Invites: make an invite link
// (how many people, how long), list them with their uses and state, revoke
// one. The server shows a link's token only when it is made, so "Copy link"
// is there for the links made on this page. Sign-up: who may sign up (open,
// by invitation, or for e-mail domains); only the owner changes it.

import { adminApi, api } from './api.js';
import { confirmDialog } from './dialogs.js';
import { $, el, clear, copyField, show, plural } from './dom.js';
import { fullTime, shortTime } from './format.js';
import { PagedList } from './paged-list.js';
import { isOwner } from './roles.js';

export class InvitesTab {
  // panel: the AdminPanel (me(), say(text), fail(what, err))
  constructor(panel) {
    this.panel = panel;
    this.list = $('admin-invite-list');
    this.created = $('invite-created');
    this.links = new Map(); // invite id -> its URL (made on this page)
    this.pages = new PagedList($('admin-invites-more'), {
      read: (cursor) => adminApi.invites(cursor),
      render: (page, fresh) => this.render(page, fresh),
      failed: (err) => this.panel.fail('Could not list the invites', err),
    });
    this.list.addEventListener('click', (e) => this.clicked(e));
    $('invite-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.create();
    });
  }

  load() {
    this.pages.fetch(true);
  }

  async create() {
    const submit = $('invite-form').querySelector('[type="submit"]');
    submit.disabled = true;
    try {
      const { invite, path } = await adminApi.createInvite(Number($('invite-expiry').value), Number($('invite-uses').value));
      const url = `${location.origin}${path}`;
      this.links.set(invite.id, url);
      clear(this.created);
      this.created.append(
        el('p', { class: 'hint', text: `Anyone with this link can sign up (${usesText(invite)}) until ${shortTime(invite.expires_at * 1000)}.` }),
        copyField(url, 'New invite link'),
      );
      show(this.created, true);
      await this.pages.fetch(true);
      this.panel.say('Invite link created.');
    } catch (err) {
      this.panel.fail('Could not create an invite', err);
    } finally {
      submit.disabled = false;
    }
  }

  render(page, fresh) {
    if (fresh) clear(this.list);
    for (const invite of page.invites || []) this.list.append(this.item(invite));
    if (!this.list.childElementCount) this.list.append(el('li', { class: 'muted', text: 'No invite links yet.' }));
  }

  item(invite) {
    const state = stateOf(invite);
    const made = shortTime(invite.created_at * 1000);
    const url = this.links.get(invite.id);
    return el(
      'li',
      { class: 'admin-invite', dataset: { inviteId: invite.id, state } },
      el(
        'div',
        { class: 'admin-invite__text' },
        el('span', { class: 'admin-invite__made', title: fullTime(invite.created_at * 1000), text: `Made ${made}` }),
        el('span', { class: 'role-badge', text: state }),
        el('span', { class: 'muted', text: `${usesText(invite)} · until ${shortTime(invite.expires_at * 1000)}` }),
      ),
      el(
        'div',
        { class: 'admin-user__actions' },
        url && state === 'active'
          ? el('button', { type: 'button', class: 'button button--tiny', dataset: { action: 'copy' }, 'aria-label': `Copy the invite link made ${made}`, text: 'Copy link' })
          : null,
        state === 'active'
          ? el('button', { type: 'button', class: 'button button--tiny', dataset: { action: 'revoke' }, 'aria-label': `Revoke the invite made ${made}`, text: 'Revoke' })
          : null,
      ),
    );
  }

  async clicked(e) {
    const button = e.target.closest('button[data-action]');
    if (!button || !this.list.contains(button)) return;
    const li = button.closest('li');
    const id = li.dataset.inviteId;
    if (button.dataset.action === 'copy') {
      if (!li.querySelector('.copy-field')) li.append(copyField(this.links.get(id), 'Invite link'));
      li.querySelector('.copy-field button').click();
      return;
    }
    if (!(await confirmDialog('Revoke this invite link? Nobody can sign up with it any more.', 'Revoke'))) return;
    button.disabled = true;
    try {
      await adminApi.revokeInvite(id);
      this.links.delete(id);
      await this.pages.fetch(true);
      this.panel.say('Invite revoked.');
    } catch (err) {
      button.disabled = false;
      this.panel.fail('Could not revoke it', err);
    }
  }
}

// revoked, expired, used up, or active.
function stateOf(invite) {
  if (invite.revoked) return 'revoked';
  if (invite.expires_at * 1000 <= Date.now()) return 'expired';
  if (invite.max_uses > 0 && invite.uses >= invite.max_uses) return 'used up';
  return 'active';
}

function usesText(invite) {
  if (invite.max_uses === 0) return `used ${plural(invite.uses || 0, 'time')}, no limit`;
  return `${invite.uses || 0} of ${plural(invite.max_uses, 'use')}`;
}

export class SignupTab {
  constructor(panel) {
    this.panel = panel;
    this.form = $('signup-form');
    this.domains = $('signup-domains');
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.save();
    });
    this.form.addEventListener('change', () => this.syncDomains());
  }

  radios() {
    return [...this.form.querySelectorAll('input[name="signup"]')];
  }

  async load() {
    const owner = isOwner(this.panel.me());
    for (const input of [...this.radios(), this.domains, $('signup-save')]) input.disabled = !owner;
    show($('signup-owner-only'), !owner);
    try {
      this.fill(await api.team());
    } catch (err) {
      this.panel.fail('Could not read the sign-up policy', err);
    }
  }

  fill(team) {
    for (const input of this.radios()) input.checked = input.value === team.signup;
    this.domains.value = (team.domains || []).join(', ');
    this.syncDomains();
  }

  // The domains matter only for the domain policy.
  syncDomains() {
    const domain = this.radios().find((r) => r.checked)?.value === 'domain';
    this.domains.disabled = !domain || !isOwner(this.panel.me());
  }

  async save() {
    const signup = this.radios().find((r) => r.checked)?.value;
    if (!signup) return;
    const domains = this.domains.value.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean);
    if (signup === 'domain' && !domains.length) {
      this.panel.fail('Not saved', new Error('name at least one domain'));
      this.domains.focus();
      return;
    }
    $('signup-save').disabled = true;
    try {
      this.fill(await adminApi.setSignup(signup, domains));
      this.panel.say('Saved: new sign-ups follow it from now on.');
    } catch (err) {
      this.panel.fail('Not saved', err);
    } finally {
      $('signup-save').disabled = false;
    }
  }
}
