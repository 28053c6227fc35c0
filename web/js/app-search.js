// App's message search (see main.js): opening a hit, i.e. its channel's
// history around the message (?around=), highlighted, with its thread open
// for a reply; older and newer pages from there; and the way back to the
// present. App's own methods, in their own file; `this` is the App.
//
// While the log stops short of the present (MessageLog.detached) the view
// shows a "Jump to latest" bar, live messages are not appended below the
// window (they count as unread instead), the read marker does not move, and
// the live subscription carries no `after` (the log's newer pages bring what
// it misses). Leaving the channel drops the window: it opens at the present
// next time.

import { api } from './api.js';
import { MessageLog } from './message-log.js';
import { channelLabel } from './channel-state.js';
import { describeError as describe } from './outbox.js';
import { hitTarget } from './search-results.js';

const AROUND_SIZE = 50; // up to half of it on each side of the message
const NEWER_PAGE_SIZE = 50;

// A new window for a channel's log; messages being sent stay.
function freshLog(old) {
  const log = new MessageLog();
  log.pending = old.pending;
  return log;
}

export const searchMethods = {
  // A search result was picked: its channel opens around the message (openChannel takes the jump).
  openHit(hit) {
    const target = hitTarget(hit.message);
    if (!target.channelId || !target.messageId) return;
    this.pendingJump = target;
    this.focusComposerOnOpen = false;
    this.navigate(target.channelId);
  },

  // The jump waiting for this channel to open, if any (taken once).
  takeJump(id) {
    const jump = this.pendingJump;
    if (!jump || jump.channelId !== id) return null;
    this.pendingJump = null;
    return jump;
  },

  // The active channel is being left: a window in the past is not kept.
  leaveHistory() {
    const ch = this.channels.get(this.activeId);
    if (ch && ch.log.detached) ch.log = freshLog(ch.log);
  },

  async loadAround(ch, { messageId, rootId, replyId }) {
    const log = freshLog(ch.log);
    log.newerAfter = messageId; // detached until the page says it reaches the present
    ch.log = log;
    if (ch.id === this.activeId) {
      this.view.show(log, this.me, channelLabel(ch), ch.isConversation ? 'conversation' : 'channel');
    }
    const loading = api.around(ch.id, messageId, AROUND_SIZE);
    ch.loading = loading;
    try {
      const page = await loading;
      if (ch.log !== log) return;
      const results = log.putAroundPage(page.messages || [], page.next_cursor, page.newer_after);
      if (!log.detached && this.realtime) this.realtime.subscribe([ch.subscription()]);
      if (ch.id !== this.activeId) return;
      this.view.apply(results, { keepPlace: true });
      if (!this.view.reveal(messageId)) this.view.showComposerError('That message is no longer in the channel.');
      this.view.focusList();
      this.view.fillViewport();
      this.view.fillBelow();
      if (!log.detached) this.scheduleRead();
      if (rootId) this.openThread(rootId, replyId);
    } catch (err) {
      if (err && err.status === 401) throw err;
      if (ch.log !== log) return;
      // Gone (deleted) or unreachable: the channel at the present instead.
      log.newerAfter = '';
      this.loadNewest(ch).then(() => {
        if (ch.id === this.activeId) this.view.showComposerError(`Could not open that message: ${describe(err)}`);
      });
    } finally {
      if (ch.loading === loading) ch.loading = null;
    }
  },

  // The reader reached the bottom of a window in the past: the next newer page.
  async loadNewer() {
    const ch = this.channels.get(this.activeId);
    if (!ch || !ch.log.detached) return;
    const log = ch.log;
    try {
      const page = await api.after(ch.id, log.newerAfter, NEWER_PAGE_SIZE);
      if (ch.log !== log) return;
      const results = log.putNewerPage(page.messages || [], page.next_cursor);
      if (!log.detached) {
        // At the present again: live from here on, and what came meanwhile replayed.
        if (this.realtime) this.realtime.subscribe([ch.subscription()]);
        ch.unread = 0;
        ch.mentions = 0;
        this.renderSidebar();
      }
      if (ch.id === this.activeId) this.view.apply(results, { keepPlace: true });
    } catch (err) {
      if (ch.id === this.activeId) this.view.showComposerError(`Could not load newer messages: ${describe(err)}`);
    }
  },

  // "Jump to latest": the channel's newest page, as when it is opened.
  jumpToPresent() {
    const ch = this.channels.get(this.activeId);
    if (!ch) return;
    ch.unread = 0;
    ch.mentions = 0;
    this.restartLog(ch);
    this.renderSidebar();
    this.view.focusComposer();
  },
};
