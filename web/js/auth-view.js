// AuthView: the log-in / sign-up form. One form, two modes; the server's
// error message is shown as it comes (wrong password, e-mail taken, ...).

import { $, show } from './dom.js';

export class AuthView {
  // submit(mode, {name, email, password}) -> Promise (rejects with a message)
  constructor({ submit }) {
    this.mode = 'login';
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
    if (!email || !email.includes('@')) return 'Please enter your e-mail address.';
    if (this.mode === 'signup' && password.length < 8) return 'The password needs at least 8 characters.';
    if (!password) return 'Please enter your password.';
    return '';
  }

  setMode(mode) {
    this.mode = mode;
    const signup = mode === 'signup';
    $('auth-heading').textContent = signup ? 'Create an account' : 'Log in';
    $('auth-submit').textContent = signup ? 'Sign up' : 'Log in';
    $('auth-switch-text').textContent = signup ? 'Have an account?' : 'New here?';
    $('auth-switch').textContent = signup ? 'Log in instead' : 'Create an account';
    $('auth-password').autocomplete = signup ? 'new-password' : 'current-password';
    show($('auth-name-field'), signup);
    show($('auth-password-hint'), signup);
    this.error.textContent = '';
  }

  show() {
    show($('auth-view'), true);
    $(this.mode === 'signup' ? 'auth-name' : 'auth-email').focus();
  }

  hide() {
    show($('auth-view'), false);
  }
}
