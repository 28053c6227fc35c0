// App's history at the present (see main.js): a channel's newest page when
// it opens (and again after a reconnect, for edits and deletions made
// meanwhile), and older pages as the reader scrolls up. App's own methods, in
// their own file; `this` is the App. A window around an older message (a
// search hit) is app-search.js's.

import { api, ApiError } from './api.js';
import { describeError as describe } from './outbox.js';

const PAGE_SIZE = 50;

export const historyMethods = {
  async loadNewest(ch) {
    const log = ch.log;
    const loading = api.history(ch.id, '', PAGE_SIZE);
    ch.loading = loading;
    try {
      const page = await loading;
      if (ch.log !== log) return; // replaced meanwhile (a search hit opened)
      this.ingestPage(ch, page);
      if (ch.id === this.activeId) {
        this.view.fillViewport();
        this.scheduleRead();
      }
      // The live subscription may have started after the page was read:
      // resume from the page's newest message so nothing falls between.
      if (this.realtime) this.realtime.subscribe([{ id: ch.id, after: ch.log.newestId }]);
    } catch (err) {
      if (ch.id === this.activeId) this.view.showComposerError(`Could not load messages: ${describe(err)}`);
      if (err instanceof ApiError && err.status === 401) throw err;
    } finally {
      if (ch.loading === loading) ch.loading = null;
    }
  },

  async refreshNewest(ch) {
    if (ch.log.detached) return; // reading older history: its newer pages come as it scrolls
    const page = await api.history(ch.id, '', PAGE_SIZE);
    const results = ch.log.merge(page.messages || []);
    if (ch.id === this.activeId) this.view.apply(results);
  },

  async loadOlder() {
    const ch = this.channels.get(this.activeId);
    if (!ch || !ch.log.olderCursor) return;
    const log = ch.log;
    try {
      const page = await api.history(ch.id, log.olderCursor, PAGE_SIZE);
      if (ch.log === log) this.ingestPage(ch, page);
    } catch (err) {
      if (ch.id === this.activeId) this.view.showComposerError(`Could not load older messages: ${describe(err)}`);
    }
  },

  ingestPage(ch, page) {
    const results = ch.log.putHistoryPage(page.messages || [], page.next_cursor);
    if (ch.id === this.activeId) this.view.apply(results);
  },
};
