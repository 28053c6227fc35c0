// MessageView's editing and deleting (see message-view.js): the inline
// editor in place of a message's text (Enter saves, Escape cancels) and
// deleting after a confirmation. MessageView's own methods, in their own
// file; `this` is the MessageView.

import { el } from './dom.js';

export const editingMethods = {
  startEdit(id) {
    if (this.editingId) this.cancelEdit();
    const li = this.elements.get(id);
    const message = this.log.get(id);
    if (!li || !message || message.deleted) return;
    this.editingId = id;
    const textarea = el('textarea', { class: 'msg__editor', maxlength: '4096', 'aria-label': 'Edit message', 'aria-describedby': 'edit-hint' });
    textarea.value = message.text;
    this.autosize(textarea);
    const error = el('p', { class: 'error', role: 'alert' });
    const form = el(
      'form',
      { class: 'msg__edit' },
      textarea,
      el('span', { id: 'edit-hint', class: 'hint', text: 'Enter to save, Escape to cancel' }),
      el(
        'div',
        { class: 'msg__edit-buttons' },
        el('button', { type: 'button', class: 'button button--tiny', text: 'Cancel', onclick: () => this.cancelEdit() }),
        el('button', { type: 'submit', class: 'button button--tiny button--primary', text: 'Save' }),
      ),
      error,
    );
    const save = async () => {
      const text = textarea.value.trim();
      if (!text) {
        error.textContent = 'A message cannot be empty; delete it instead.';
        return;
      }
      if (text === message.text) {
        this.cancelEdit();
        return;
      }
      textarea.disabled = true;
      try {
        await this.cb.onEdit(id, text);
        // Only this editor: another edit of the message may have begun
        // while the save was in flight, and it is not done.
        if (form.isConnected) this.finishEdit(id);
      } catch (err) {
        textarea.disabled = false;
        error.textContent = err.message;
        textarea.focus();
      }
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      save();
    });
    textarea.addEventListener('input', () => this.autosize(textarea));
    textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.cancelEdit();
      } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        save();
      }
    });
    li.querySelector('.msg__text').replaceWith(form);
    const actions = li.querySelector('.msg__actions');
    if (actions) actions.hidden = true;
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  },

  // Re-renders the edited message from the log (the server's version).
  finishEdit(id) {
    if (this.editingId !== id) return;
    this.editingId = '';
    const index = this.log.indexOf(id);
    const old = this.elements.get(id);
    if (index >= 0 && old) old.replaceWith(this.render(this.log.at(index), index));
    this.input.focus();
  },

  cancelEdit() {
    this.finishEdit(this.editingId);
  },

  async confirmDelete(id, button) {
    const message = this.log.get(id);
    const whose = message && this.me && message.user_id !== this.me.id ? ` by ${message.user_name || 'someone else'}` : '';
    if (!(await this.cb.confirm(`Delete this message${whose}? Everyone will see that a message was deleted.`))) {
      button.focus();
      return;
    }
    try {
      await this.cb.onDelete(id);
      this.input.focus();
    } catch (err) {
      this.showComposerError(`Could not delete: ${err.message}`);
    }
  },
};
