// MentionsDialog: the messages that mention this user, newest first
// (GET /api/me/mentions), each opening its conversation.

import { $, el, clear, show } from './dom.js';
import { messageTimeMs, shortTime } from './format.js';
import { messageText } from './message-text.js';

export class MentionsDialog {
  // load(cursor) -> Promise<{messages, next_cursor}>; channelName(id) -> string; onOpen(channelId); me() -> user
  constructor({ load, channelName, onOpen, me }) {
    this.load = load;
    this.channelName = channelName;
    this.onOpen = onOpen;
    this.me = me;
    this.dialog = $('mentions-dialog');
    this.list = $('mentions-list');
    this.more = $('mentions-more');
    this.status = $('mentions-status');
    this.cursor = '';
    this.more.addEventListener('click', () => this.fetch(false));
    this.list.addEventListener('click', (e) => {
      const item = e.target.closest('li[data-channel-id]');
      if (!item || e.target.closest('a')) return;
      this.dialog.close();
      this.onOpen(item.dataset.channelId);
    });
  }

  open() {
    clear(this.list);
    this.cursor = '';
    this.dialog.showModal();
    this.fetch(true);
  }

  async fetch(fresh) {
    this.status.textContent = 'Loading…';
    try {
      const page = await this.load(fresh ? '' : this.cursor);
      for (const message of page.messages || []) this.list.append(this.item(message));
      this.cursor = page.next_cursor || '';
      show(this.more, Boolean(this.cursor));
      this.status.textContent = this.list.childElementCount ? '' : 'Nobody has mentioned you yet.';
    } catch (err) {
      this.status.textContent = err.message;
    }
  }

  item(message) {
    const ms = messageTimeMs(message);
    return el(
      'li',
      { class: 'msg mentions__item', dataset: { channelId: message.channel_id }, tabindex: '0' },
      el(
        'div',
        { class: 'msg__meta' },
        el('span', { class: 'msg__author', text: message.user_name || 'Someone' }),
        ' ',
        el('span', { class: 'muted', text: this.channelName(message.channel_id) }),
        ' ',
        el('time', { class: 'msg__time', text: ms ? shortTime(ms) : '' }),
      ),
      messageText(message, 'msg__text', this.me()?.id),
    );
  }
}
