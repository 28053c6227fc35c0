// MessageView's history paging (see message-view.js): the top of the list
// (the start of the channel, "Load older", loading), older pages as the top
// comes into view, and, for a log opened around an older message (a search
// hit; MessageLog.detached), the "Jump to latest" bar, newer pages as its
// bottom comes into view and the highlighted message. MessageView's own
// methods, in their own file; `this` is the MessageView.

import { $, show } from './dom.js';
import { HIGHLIGHT_MS } from './thread-panel.js';

export const historyMethods = {
  renderTop() {
    const log = this.log;
    const start = $('history-start');
    start.textContent = log.size ? `This is the beginning of the ${this.noun || 'channel'}.` : 'No messages yet. Say hello!';
    show(start, log.loaded && log.reachedStart);
    show(this.loadOlderButton, log.loaded && !log.reachedStart && !this.loadingOlder);
    show($('history-loading'), !log.loaded || this.loadingOlder);
    show(this.historyBar, log.loaded && log.detached);
  },

  async loadOlder() {
    if (!this.log || !this.log.loaded || this.log.reachedStart || this.loadingOlder) return;
    const log = this.log;
    this.loadingOlder = true;
    this.renderTop();
    try {
      await this.cb.onLoadOlder();
    } finally {
      this.loadingOlder = false;
      if (this.log === log) {
        this.renderTop();
        this.fillViewport();
      }
    }
  },

  // The observer only reports changes, so when a page of history does not
  // fill the view (the top is still in sight), ask for the next one here.
  fillViewport() {
    requestAnimationFrame(() => {
      if (this.log && this.log.loaded && !this.log.reachedStart && this.scroller.scrollTop < 200) this.loadOlder();
    });
  },

  // The next newer page of a log in the past, once its bottom is reached.
  async loadNewer() {
    if (!this.log || !this.log.loaded || !this.log.detached || this.loadingNewer) return;
    const log = this.log;
    this.loadingNewer = true;
    try {
      await this.cb.onLoadNewer();
    } finally {
      this.loadingNewer = false;
      if (this.log === log) {
        this.renderTop();
        this.fillBelow();
      }
    }
  },

  // A log in the past whose bottom is in sight (too short to scroll): load on.
  fillBelow() {
    requestAnimationFrame(() => {
      if (this.log && this.log.loaded && this.log.detached && this.isAtBottom()) this.loadNewer();
    });
  },

  // Brings a message into view, highlighted for a moment. False when it is not shown.
  reveal(id) {
    const li = this.elements.get(id);
    if (!li) return false;
    li.scrollIntoView({ block: 'center' });
    li.classList.add('msg--highlight');
    setTimeout(() => li.classList.remove('msg--highlight'), HIGHLIGHT_MS);
    return true;
  },

  // New messages came while a log in the past is shown.
  noteNewer() {
    this.historyNote.textContent = 'New messages have arrived.';
  },
};
