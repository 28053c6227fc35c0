// App's account side (see main.js): signing in, up (with an invite link) and
// out, choosing a new password from a reset link or changing it, and the
// signed-in user's role as the server has it. When the session ends (a 401,
// or the socket closed with 4003 and /api/me says so) the page starts over
// on the sign-in screen, saying why. App's own methods, in their own file;
// `this` is the App.

import { api, ApiError } from './api.js';
import { channelLabel } from './channel-state.js';
import { $, show } from './dom.js';
import { isModerator, roleBadge } from './roles.js';

// Why the last page ended its session, for the sign-in screen after the reload.
const ENDED_KEY = 'townhall.sessionEnded';

// The token of an invite link (/#invite=<token>) or a reset link
// (/#reset=<token>), read once; the fragment leaves the address bar (and
// the history) at once, so the token is not left in sight.
export function takeLink() {
  const match = /^#(invite|reset)=([^&]+)$/.exec(location.hash);
  if (!match) return {};
  history.replaceState(null, '', location.pathname + location.search);
  return { [match[1]]: decodeURIComponent(match[2]) };
}

// "Your session ended: this account is deactivated." from the server's reason.
export function endedNotice(reason) {
  if (!reason || /session|sign in|signed out/i.test(reason)) return 'Your session ended. Please log in again.';
  return `Your session ended: ${reason.replace(/[.\s]+$/, '')}.`;
}

export const accountMethods = {
  // The sign-in screen, with what the last page left to say and the link's token.
  showSignIn() {
    show($('boot'), false);
    let notice = '';
    try {
      notice = sessionStorage.getItem(ENDED_KEY) || '';
      sessionStorage.removeItem(ENDED_KEY);
    } catch {
      // storage may be off: no notice then
    }
    this.auth.show({ notice, ...this.link });
  },

  async authenticate(mode, { name, email, password, invite, token }) {
    let result;
    if (mode === 'reset') {
      result = await api.resetPassword(token, password);
      this.link = {};
      // A deactivated account's password is set, but it does not sign in.
      if (!result.token) throw new Error('Your new password is set, but this account is deactivated: ask an admin.');
    } else if (mode === 'signup') {
      result = await api.signup(name, email, password, invite);
    } else {
      result = await api.login(email, password);
    }
    this.link = {};
    await this.enter(result.user);
  },

  async logout() {
    try {
      await api.logout();
    } catch {
      // the session is gone from this page either way
    }
    this.startOver();
  },

  // The server ended the session (deactivated, signed out elsewhere, expired):
  // the sign-in screen says so.
  sessionEnded(reason = '') {
    try {
      sessionStorage.setItem(ENDED_KEY, endedNotice(reason));
    } catch {
      // storage may be off: the sign-in screen then says nothing
    }
    this.startOver();
  },

  // Starts over from a clean page: no state of this user survives.
  startOver() {
    if (this.realtime) this.realtime.stop();
    history.replaceState(null, '', location.pathname);
    location.reload();
  },

  // Asks the server who this is (after a 4003, a failing socket, the tab
  // coming back): a 401 ends the page's session with the server's reason;
  // otherwise the user's role and name are taken as they are now.
  async refreshMe() {
    if (this.sessionSwap) await this.sessionSwap; // a password change brings a new cookie
    try {
      const { user } = await api.me();
      this.updateMe(user);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.sessionEnded(err.message);
    }
  },

  // A new password; every other session of this user ends, this page gets a
  // new one (the socket's old session closes with 4003 meanwhile: refreshMe
  // waits for the new cookie before asking).
  async changePassword(current, password) {
    const request = api.changePassword(current, password);
    const swap = request.then(() => {}, () => {});
    this.sessionSwap = swap;
    try {
      const result = await request;
      if (result && result.user) this.updateMe(result.user);
    } finally {
      if (this.sessionSwap === swap) this.sessionSwap = null;
    }
  },

  // The signed-in user as the server has them now (/api/me, the socket's ready frame).
  updateMe(user) {
    if (!this.me || !user || user.id !== this.me.id) return;
    const changed = user.role !== this.me.role;
    Object.assign(this.me, user);
    $('me-name').textContent = user.name;
    this.applyRole(changed);
  },

  // What the role shows: the badge, the admin panel, and (when it changed)
  // the controls on messages, members and the channel.
  applyRole(changed = false) {
    const badge = roleBadge(this.me.role);
    $('me-role').textContent = badge;
    show($('me-role'), Boolean(badge));
    show($('admin-open'), isModerator(this.me));
    if (!changed) return;
    if (!isModerator(this.me)) this.admin.close();
    const ch = this.channels.get(this.activeId);
    if (!ch) return;
    this.renderHeader(ch);
    this.view.refreshAll();
    if (this.thread.isOpen) this.thread.render();
    if (this.members.isOpen) this.members.reset(ch.id);
    this.view.setChannelName(channelLabel(ch));
  },
};
