// AuthView: the log-in / sign-up form, which also chooses a new password
// from a reset link. One form, three modes; the server's error message is
// shown as it comes (wrong password, e-mail taken, sign-up by invitation
// only, ...). Sign-up says who may sign up (GET /api/team) and applies the
// invite of an invite link.

import { $, show } from './dom.js';

const MODES = {
  login: { heading: 'Log in', submit: 'Log in', switchText: 'New here?', switchLabel: 'Create an account' },
  signup: { heading: 'Create an account', submit: 'Sign up', switchText: 'Have an account?', switchLabel: 'Log in instead' },
  reset: { heading: 'Choose a new password', submit: 'Set password', switchText: 'Remember it?', switchLabel: 'Log in instead' },
};

export class AuthView {
  // submit(mode, {name, email, password, invite, token}) -> Promise (rejects with a message);
  // team() -> Promise<{signup, domains}>: who may sign up
  constructor({ submit, team }) {
    this.mode = 'login';
    this.invite = ''; // the token of the invite link the page was opened with
    this.resetToken = ''; // the token of the reset link
    this.team = team;
    this.form = $('auth-form');
    this.error = $('auth-error');
    $('auth-switch').addEventListener('click', () => {
      this.setMode(this.mode === 'login' ? 'signup' : 'login');
      (this.mode === 'signup' ? $('auth-name') : $('auth-email')).focus();
    });
    this.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const fields = {
        name: $('auth-name').value.trim(),
        email: $('auth-email').value.trim(),
        password: $('auth-password').value,
        invite: this.invite,
        token: this.resetToken,
      };
      const problem = this.check(fields);
      if (problem) {
        this.error.textContent = problem;
        return;
      }
      const button = $('auth-submit');
      button.disabled = true;
      this.error.textContent = '';
      try {
        await submit(this.mode, fields);
        $('auth-password').value = '';
      } catch (err) {
        this.error.textContent = err.message;
      } finally {
        button.disabled = false;
      }
    });
  }

  check({ name, email, password }) {
    if (this.mode === 'signup' && !name) return 'Please enter your name.';
    if (this.mode !== 'reset' && (!email || !email.includes('@'))) return 'Please enter your e-mail address.';
    if (this.mode !== 'login' && password.length < 8) return 'The password needs at least 8 characters.';
    if (!password) return 'Please enter your password.';
    return '';
  }

  setMode(mode) {
    this.mode = mode;
    const words = MODES[mode];
    $('auth-heading').textContent = words.heading;
    $('auth-submit').textContent = words.submit;
    $('auth-switch-text').textContent = words.switchText;
    $('auth-switch').textContent = words.switchLabel;
    $('auth-password-label').textContent = mode === 'reset' ? 'New password' : 'Password';
    $('auth-password').autocomplete = mode === 'login' ? 'current-password' : 'new-password';
    show($('auth-name-field'), mode === 'signup');
    show($('auth-email-field'), mode !== 'reset');
    show($('auth-password-hint'), mode !== 'login');
    if (mode !== 'reset') this.resetToken = '';
    this.error.textContent = '';
    this.showPolicy();
  }

  // notice: why the form is shown ('' for none); invite / reset: a link's token.
  show({ notice = '', invite = '', reset = '' } = {}) {
    if (invite) this.invite = invite;
    this.resetToken = reset;
    this.setNotice(notice);
    if (reset) this.setMode('reset');
    else if (invite) this.setMode('signup');
    show($('auth-view'), true);
    const first = { signup: 'auth-name', login: 'auth-email', reset: 'auth-password' }[this.mode];
    $(first).focus();
  }

  setNotice(text) {
    $('auth-notice').textContent = text;
    show($('auth-notice'), Boolean(text));
  }

  hide() {
    show($('auth-view'), false);
  }

  // Sign-up: whether it is open, by invitation, or for some domains (asked once).
  async showPolicy() {
    const note = $('auth-policy');
    show(note, false);
    if (this.mode !== 'signup') return;
    if (!this.policy) this.policy = this.team().catch(() => null);
    const team = await this.policy;
    if (this.mode !== 'signup') return;
    note.textContent = policyText(team, Boolean(this.invite));
    show(note, Boolean(note.textContent));
  }
}

// What the sign-up form says about who may sign up.
export function policyText(team, invited) {
  const kind = team ? team.signup : 'open';
  if (invited) return 'You are signing up with an invitation.';
  if (kind === 'invite') return 'Sign-up is by invitation only: open the invite link an admin gave you.';
  if (kind === 'domain') {
    const domains = (team.domains || []).join(', ');
    return `Sign-up is limited to addresses at ${domains || 'the listed domains'}, or by invitation.`;
  }
  return '';
}
