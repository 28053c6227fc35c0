// App's reading (see main.js): telling the server how far the user has read,
// and where the "New messages" line goes. App's own methods, in their own
// file; `this` is the App.

import { api } from './api.js';

const READ_DELAY_MS = 300;

export const readingMethods = {
  // Draws "New messages" above the first message after the read marker that is not one's own.
  markFirstUnread(ch) {
    for (const id of ch.log.ids) {
      const message = ch.log.get(id);
      if (id > ch.lastRead && message.user_id !== this.me.id && !message.deleted) {
        this.view.setFirstUnread(id);
        return;
      }
    }
  },

  scheduleRead() {
    clearTimeout(this.readTimer);
    this.readTimer = setTimeout(() => this.markRead(), READ_DELAY_MS);
  },

  markRead() {
    const ch = this.channels.get(this.activeId);
    if (!ch || !ch.member || document.visibilityState !== 'visible' || !this.view.isAtBottom()) return;
    if (ch.log.detached) return; // reading older history (a search hit): not caught up
    const newest = ch.log.newestId;
    if (!newest || newest <= ch.readId) return;
    ch.readId = newest;
    if (newest > ch.lastRead) ch.lastRead = newest;
    api.markRead(ch.id, newest).catch(() => {
      if (ch.readId === newest) ch.readId = '';
    });
  },
};
