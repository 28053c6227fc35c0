// AdminPanel: the dialog admins and the owner open from the account menu.
// Four tabs, each in its own file: the users (roles, deactivation, reset
// links; admin-users.js), invite links and who may sign up
// (admin-invites.js), and the audit trail (admin-audit.js). One status line
// and one error line serve them all; everything the server sends (names,
// e-mail addresses, audit details) is set as text.

import { ApiError } from './api.js';
import { $, show } from './dom.js';
import { UsersTab } from './admin-users.js';
import { InvitesTab, SignupTab } from './admin-invites.js';
import { AuditTab } from './admin-audit.js';

const TABS = ['users', 'invites', 'signup', 'audit'];

export class AdminPanel {
  // me() -> the signed-in user; onUnauthorized(reason): the session ended;
  // onForbidden(): a 403 (the role may have changed: ask the server again)
  constructor({ me, onUnauthorized, onForbidden }) {
    this.me = me;
    this.onUnauthorized = onUnauthorized;
    this.onForbidden = onForbidden;
    this.dialog = $('admin-dialog');
    this.status = $('admin-status');
    this.errorLine = $('admin-error');
    this.current = '';
    this.tabs = {
      users: new UsersTab(this),
      invites: new InvitesTab(this),
      signup: new SignupTab(this),
      audit: new AuditTab(this),
    };
    for (const name of TABS) {
      const tab = $(`admin-tab-${name}`);
      tab.addEventListener('click', () => this.select(name));
      tab.addEventListener('keydown', (e) => this.tabKey(e, name));
    }
  }

  open() {
    this.dialog.showModal();
    this.select('users', { focus: true });
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  // Shows one tab, loaded afresh (others may have changed things meanwhile).
  select(name, { focus = false } = {}) {
    this.current = name;
    for (const other of TABS) {
      const tab = $(`admin-tab-${other}`);
      const selected = other === name;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      show($(`admin-${other}`), selected);
    }
    if (focus) $(`admin-tab-${name}`).focus();
    this.say('');
    this.tabs[name].load();
  }

  // Left and right arrows move between the tabs (the tablist pattern).
  tabKey(e, name) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const step = e.key === 'ArrowRight' ? 1 : TABS.length - 1;
    this.select(TABS[(TABS.indexOf(name) + step) % TABS.length], { focus: true });
  }

  // A user's name as the Users tab last listed it ('' if it did not).
  userName(id) {
    return this.tabs.users.users.get(id)?.name || '';
  }

  // The status line ('' clears it and the error).
  say(text) {
    this.status.textContent = text;
    this.errorLine.textContent = '';
  }

  // A failed call: its reason on the error line.
  fail(what, err) {
    this.status.textContent = '';
    this.errorLine.textContent = `${what}: ${err.message}`;
    if (err instanceof ApiError && err.status === 401) this.onUnauthorized(err.message);
    else if (err instanceof ApiError && err.status === 403) this.onForbidden();
  }
}

