// The admin panel's Users tab: everyone in the team (paged), with their role
// and whether they are deactivated, and what an admin may do to them:
// make admin / make member (the owner only), deactivate / reactivate, and a
// password reset link to hand over (shown as the full URL to copy).

import { adminApi } from './api.js';
import { confirmDialog } from './dialogs.js';
import { $, el, clear, copyField, plural } from './dom.js';
import { fullTime, shortTime } from './format.js';
import { PagedList } from './paged-list.js';
import { isOwner } from './roles.js';

export class UsersTab {
  // panel: the AdminPanel (me(), say(text), fail(what, err))
  constructor(panel) {
    this.panel = panel;
    this.list = $('admin-user-list');
    this.users = new Map(); // id -> user as last heard
    this.pages = new PagedList($('admin-users-more'), {
      read: (cursor) => {
        this.panel.say('Loading…');
        return adminApi.users(cursor);
      },
      render: (page, fresh) => this.render(page, fresh),
      failed: (err) => this.panel.fail('Could not list the users', err),
    });
    this.list.addEventListener('click', (e) => this.clicked(e));
  }

  load() {
    this.pages.fetch(true);
  }

  render(page, fresh) {
    if (fresh) {
      clear(this.list);
      this.users.clear();
    }
    for (const user of page.users || []) {
      this.users.set(user.id, user);
      this.list.append(this.item(user));
    }
    this.panel.say(`${plural(this.users.size, 'user')} shown.`);
  }

  item(user) {
    const me = this.panel.me();
    const self = user.id === me.id;
    const owner = user.role === 'owner';
    const deactivated = Boolean(user.deactivated_at);
    const button = (action, text, label) =>
      el('button', { type: 'button', class: 'button button--tiny', dataset: { action }, 'aria-label': `${label} ${user.name}`, text });
    // The server's rules: the owner changes roles and manages admins; an admin manages members.
    const manages = !self && (isOwner(me) || user.role === 'member');
    const actions = [];
    if (isOwner(me) && !self && !owner) {
      actions.push(user.role === 'admin' ? button('member', 'Make member', 'Make member:') : button('admin', 'Make admin', 'Make admin:'));
    }
    if (manages && !owner) {
      actions.push(deactivated ? button('reactivate', 'Reactivate', 'Reactivate') : button('deactivate', 'Deactivate', 'Deactivate'));
    }
    if (manages) actions.push(button('reset', 'Reset link', 'Password reset link for'));
    return el(
      'li',
      { class: `admin-user${deactivated ? ' admin-user--off' : ''}`, dataset: { userId: user.id } },
      el(
        'div',
        { class: 'admin-user__who' },
        el('span', { class: 'admin-user__name', text: user.name }),
        self ? el('span', { class: 'muted', text: ' (you)' }) : null,
        el('span', { class: 'role-badge', text: user.role }),
        deactivated
          ? el('span', { class: 'role-badge role-badge--off', title: `since ${fullTime(user.deactivated_at * 1000)}`, text: 'deactivated' })
          : null,
        el('span', { class: 'admin-user__email muted', text: user.email }),
      ),
      el('div', { class: 'admin-user__actions' }, actions),
    );
  }

  // Puts a user's new state in their row (keeping a reset link shown under it).
  replace(user) {
    this.users.set(user.id, user);
    const old = this.row(user.id);
    if (!old) return;
    const fresh = this.item(user);
    const link = old.querySelector('.admin-link');
    if (link) fresh.append(link);
    old.replaceWith(fresh);
  }

  row(userId) {
    return [...this.list.children].find((li) => li.dataset.userId === userId) || null;
  }

  async clicked(e) {
    const button = e.target.closest('button[data-action]');
    if (!button || !this.list.contains(button)) return;
    const li = button.closest('li');
    const user = this.users.get(li.dataset.userId);
    if (!user) return;
    const action = button.dataset.action;
    if (action === 'deactivate') {
      const text = `Deactivate ${user.name}? They are signed out at once and cannot sign in until reactivated.`;
      if (!(await confirmDialog(text, 'Deactivate'))) return;
    }
    button.disabled = true;
    try {
      if (action === 'reset') {
        await this.resetLink(li, user);
        button.disabled = false;
        return;
      }
      let result;
      if (action === 'admin' || action === 'member') result = await adminApi.setRole(user.id, action);
      else result = await adminApi.setActive(user.id, action === 'reactivate');
      this.replace(result.user);
      this.panel.say(`${result.user.name}: ${done(action)}.`);
    } catch (err) {
      button.disabled = false;
      this.panel.fail(`Could not change ${user.name}`, err);
    }
  }

  // A reset link for one user, shown under their row: the full URL to copy.
  async resetLink(li, user) {
    const link = await adminApi.resetLink(user.id);
    const old = li.querySelector('.admin-link');
    if (old) old.remove();
    li.append(
      el(
        'div',
        { class: 'admin-link' },
        el('p', { class: 'hint', text: `Give this link to ${user.name}: it sets a new password once, until ${shortTime(link.expires_at * 1000)}.` }),
        copyField(`${location.origin}${link.path}`, `Password reset link for ${user.name}`),
      ),
    );
    this.panel.say(`A reset link for ${user.name} is ready.`);
  }
}

function done(action) {
  return { admin: 'now an admin', member: 'now a member', deactivate: 'deactivated', reactivate: 'reactivated' }[action];
}
