// The account menu in the top bar (⚙): "Change password" for everyone,
// "Admin panel" for admins and the owner (shown by app-account.js). A menu
// button: Escape or a click elsewhere closes it, arrows move between items.
// And the change-password dialog it opens.

import { $, submitting } from './dom.js';

export class UserMenu {
  // onPassword(), onAdmin(): the items chosen
  constructor({ onPassword, onAdmin }) {
    this.toggle = $('user-menu-toggle');
    this.list = $('user-menu');
    this.toggle.addEventListener('click', () => this.setOpen(this.list.hidden));
    $('password-open').addEventListener('click', () => {
      this.setOpen(false);
      onPassword();
    });
    $('admin-open').addEventListener('click', () => {
      this.setOpen(false);
      onAdmin();
    });
    this.list.addEventListener('keydown', (e) => this.key(e));
    document.addEventListener('click', (e) => {
      if (!this.list.hidden && !e.target.closest('.user-menu')) this.setOpen(false);
    });
  }

  items() {
    return [...this.list.querySelectorAll('[role="menuitem"]')].filter((item) => !item.hidden);
  }

  setOpen(open) {
    this.list.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) this.items()[0]?.focus();
  }

  key(e) {
    const items = this.items();
    const at = items.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      this.setOpen(false);
      this.toggle.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : items.length - 1;
      items[(at + step) % items.length]?.focus();
    } else if (e.key === 'Tab') {
      this.setOpen(false);
    }
  }
}

export class ChangePasswordDialog {
  // save(current, password) -> Promise (rejects with the reason shown)
  constructor({ save }) {
    this.dialog = $('password-dialog');
    this.form = $('password-form');
    this.error = $('password-error');
    this.done = $('password-done');
    $('password-cancel').addEventListener('click', () => this.dialog.close());
    this.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const current = $('password-current').value;
      const password = $('password-new').value;
      this.done.textContent = '';
      if (!current) {
        this.error.textContent = 'Please enter your current password.';
        $('password-current').focus();
        return;
      }
      if (password.length < 8) {
        this.error.textContent = 'The new password needs at least 8 characters.';
        $('password-new').focus();
        return;
      }
      await submitting(this.form, this.error, async () => {
        await save(current, password);
        this.form.reset();
        this.done.textContent = 'Your password is changed. Your other sessions have ended.';
      });
    });
  }

  open() {
    this.form.reset();
    this.error.textContent = '';
    this.done.textContent = '';
    this.dialog.showModal();
    $('password-current').focus();
  }
}
