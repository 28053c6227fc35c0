// MessageView: the open channel's messages, the composer, and their keyboard
// and scrolling behaviour. It renders a MessageLog (message-log.js) and tells
// the app what the user does through callbacks; it never talks to the server.
//
// The list sticks to the bottom while the reader is there; otherwise new
// messages raise a "New messages" button instead of moving the page. Reaching
// the top loads older history and keeps the reader's place.
//
// A log opened around an older message (a search hit; MessageLog.detached)
// shows a "Jump to latest" bar instead, and reaching its bottom loads the
// newer messages a page at a time, without moving the reader.
//
// MessageView's methods live in three files: this one (the list, pending
// sends, scrolling, the composer, clicks), message-history.js (paging older
// and newer history, the "Jump to latest" bar) and message-editing.js (inline
// edit, delete). message-render.js builds the elements.

import { $, el, clear, show } from './dom.js';
import { openReactionMenu } from './reactions-view.js';
import { MentionPicker } from './mention-picker.js';
import { messageSummary } from './files.js';
import { continues, dayBreak, renderMessage, renderPendingEntry } from './message-render.js';
import { historyMethods } from './message-history.js';
import { editingMethods } from './message-editing.js';

const BOTTOM_SLACK_PX = 48;
const ANNOUNCEMENTS_KEPT = 3;

export class MessageView {
  // callbacks: onSend(text, mentions), onEdit(id, text) -> Promise, onDelete(id) -> Promise,
  // people() -> Promise<[{user_id, user_name}]> (who can be mentioned),
  // onReact(id, emoji, on) -> Promise, onOpenThread(rootId), onTyping() (text is being written),
  // onRetry(clientMessageId), onDiscard(clientMessageId), onLoadOlder() -> Promise,
  // onLoadNewer() -> Promise, onJumpToPresent(), onReadBottom(), confirm(text) -> Promise<boolean>,
  // attachments() -> {ready, blocker}: the files attached to the message (attachments.js)
  constructor(callbacks) {
    this.cb = callbacks;
    this.scroller = $('messages');
    this.list = $('message-list');
    this.pendingList = $('pending-list');
    this.input = $('composer-input');
    this.jump = $('jump-latest');
    this.loadOlderButton = $('load-older');
    this.announcer = $('announcer');
    this.composerError = $('composer-error');
    this.elements = new Map(); // message id -> li
    this.log = null;
    this.me = null;
    this.editingId = '';
    this.loadingOlder = false;
    this.loadingNewer = false;
    this.historyBar = $('history-bar');
    this.historyNote = $('history-note');

    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      this.submitComposer();
    });
    this.mentions = new MentionPicker(this.input, { people: () => this.cb.people() });
    this.input.addEventListener('keydown', (e) => this.composerKey(e));
    this.input.addEventListener('input', () => {
      this.autosize(this.input);
      if (this.input.value.trim()) this.cb.onTyping();
    });
    this.list.addEventListener('click', (e) => this.listClick(e));
    this.pendingList.addEventListener('click', (e) => this.pendingClick(e));
    this.scroller.addEventListener('scroll', () => this.scrolled(), { passive: true });
    this.jump.addEventListener('click', () => {
      this.scrollToBottom();
      this.input.focus();
    });
    this.loadOlderButton.addEventListener('click', () => this.loadOlder());
    $('jump-present').addEventListener('click', () => this.cb.onJumpToPresent());
    // Loads older history as the top of the list comes into view.
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) this.loadOlder();
      },
      { root: this.scroller, rootMargin: '200px 0px 0px 0px' },
    );
    this.observer.observe(this.scroller.querySelector('.messages__top'));
  }

  // Shows a channel's log from scratch (channel switch, first load).
  // label: how the channel is named in the composer ("#general", "Bob");
  // noun: what it is ("channel", "conversation").
  show(log, me, label, noun = 'channel') {
    this.noun = noun;
    this.log = log;
    this.me = me;
    this.editingId = '';
    this.firstUnreadId = '';
    this.elements.clear();
    clear(this.list);
    for (let i = 0; i < log.size; i++) this.list.append(this.render(log.at(i), i));
    this.renderPending();
    this.renderTop();
    this.setChannelName(label);
    this.composerError.textContent = '';
    this.historyNote.textContent = 'You are viewing older messages.';
    show(this.jump, false);
    this.scrollToBottom();
  }

  setChannelName(label) {
    this.input.setAttribute('aria-label', `Message ${label}`);
    this.input.placeholder = `Message ${label}`;
    this.scroller.setAttribute('aria-label', `Messages in ${label}`);
  }

  // Applies the results of MessageLog.put calls on the shown log.
  // live: they came from others just now (announce them, raise "New messages");
  // keepPlace: do not follow them to the bottom (pages of a log in the past).
  apply(results, { live = false, keepPlace = false } = {}) {
    const atBottom = !keepPlace && this.isAtBottom();
    const heightBefore = this.scroller.scrollHeight;
    const topBefore = this.scroller.scrollTop;
    let addedAbove = false;
    let addedBelow = false;
    for (const { id, change, settled } of results) {
      if (settled) this.removePending(settled);
      if (change === 'none') continue;
      // Indexes shift as a batch goes in; look the message up now.
      const index = this.log.indexOf(id);
      const message = this.log.at(index);
      if (change === 'updated') {
        if (id === this.editingId && !message.deleted) continue;
        if (id === this.editingId) this.editingId = '';
        const old = this.elements.get(id);
        this.replaceKeepingFocus(old, this.render(message, index));
        continue;
      }
      const next = this.nextRendered(index);
      this.list.insertBefore(this.render(message, index), next);
      if (next) this.regroup(this.log.indexOf(next.dataset.id));
      if (index === this.log.size - 1) addedBelow = true;
      else if (index === 0) addedAbove = true;
      if (live && index === this.log.size - 1 && message.user_id !== this.me.id) this.announce(message);
    }
    this.renderTop();
    if (addedAbove && !atBottom) {
      // Keep the reader's place when older messages appear above it.
      this.scroller.scrollTop = topBefore + (this.scroller.scrollHeight - heightBefore);
    }
    if (atBottom) this.scrollToBottom();
    else if (addedBelow && live) show(this.jump, true);
  }

  // The element of the first message after index that is on screen, or null.
  nextRendered(index) {
    for (let i = index + 1; i < this.log.size; i++) {
      const li = this.elements.get(this.log.ids[i]);
      if (li) return li;
    }
    return null;
  }

  render(message, index) {
    const previous = index > 0 ? this.log.at(index - 1) : null;
    const li = renderMessage(message, previous, this.me, this.firstUnreadId);
    this.elements.set(message.id, li);
    return li;
  }

  // Renders every message again: what one may do with them changed (a new role).
  refreshAll() {
    if (!this.log) return;
    for (let i = 0; i < this.log.size; i++) {
      const id = this.log.ids[i];
      const old = this.elements.get(id);
      if (old && id !== this.editingId) this.replaceKeepingFocus(old, this.render(this.log.at(i), i));
    }
  }

  // Re-rendering a message must not drop the keyboard user's place, e.g.
  // on the reaction they just toggled.
  replaceKeepingFocus(old, li) {
    const focused = old.contains(document.activeElement) ? document.activeElement : null;
    old.replaceWith(li);
    if (!focused || !focused.dataset.action) return;
    const emoji = focused.dataset.emoji;
    const same = [...li.querySelectorAll(`button[data-action="${focused.dataset.action}"]`)].find((b) => b.dataset.emoji === emoji);
    if (same) same.focus();
  }

  async toggleReaction(id, emoji, on) {
    try {
      await this.cb.onReact(id, emoji, on);
    } catch (err) {
      this.showComposerError(`Could not react: ${err.message}`);
    }
  }

  // A message's neighbour above changed (inserted or loaded): its grouping and separator follow.
  regroup(index) {
    const li = this.elements.get(this.log.ids[index]);
    if (!li) return;
    const previous = this.log.at(index - 1);
    const message = this.log.at(index);
    li.classList.toggle('msg--continued', continues(previous, message));
    const old = li.querySelector(':scope > .msg__day');
    if (old) old.remove();
    const day = dayBreak(previous, message);
    if (day) li.prepend(day);
  }

  // Marks where the unread messages start ("New messages"), or nothing ('').
  setFirstUnread(id) {
    const old = this.elements.get(this.firstUnreadId);
    if (old) old.classList.remove('msg--first-unread');
    this.firstUnreadId = id;
    const li = this.elements.get(id);
    if (li) li.classList.add('msg--first-unread');
  }

  renderPending() {
    clear(this.pendingList);
    for (const entry of this.log.pending.values()) this.pendingList.append(renderPendingEntry(entry, this.me));
  }

  // A pending entry was added or changed state.
  updatePending(entry) {
    const atBottom = this.isAtBottom();
    const fresh = renderPendingEntry(entry, this.me);
    const old = this.pendingList.querySelector(`[data-cmid="${CSS.escape(entry.clientMessageId)}"]`);
    if (old) old.replaceWith(fresh);
    else this.pendingList.append(fresh);
    if (atBottom || entry.status === 'sending') this.scrollToBottom();
  }

  removePending(clientMessageId) {
    const old = this.pendingList.querySelector(`[data-cmid="${CSS.escape(clientMessageId)}"]`);
    if (old) old.remove();
  }

  focusList() {
    this.scroller.focus({ preventScroll: true });
  }

  isAtBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= BOTTOM_SLACK_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    show(this.jump, false);
  }

  // Runs change (which may make the list shorter, say chips above the
  // composer), then keeps a reader who was at the bottom there.
  keepingBottom(change) {
    const atBottom = this.log && this.isAtBottom();
    change();
    if (atBottom) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  scrolled() {
    if (this.log && this.log.detached) {
      if (this.isAtBottom()) this.loadNewer();
      return;
    }
    if (this.isAtBottom()) {
      show(this.jump, false);
      this.cb.onReadBottom();
    }
  }

  announce(message) {
    const summary = messageSummary(message);
    const text = summary.length > 200 ? `${summary.slice(0, 200)}…` : summary;
    this.announcer.append(el('p', { text: `${message.user_name}: ${text}` }));
    while (this.announcer.childElementCount > ANNOUNCEMENTS_KEPT) this.announcer.firstElementChild.remove();
  }

  // --- composer ---

  // Text, attached files, or both; not while a file is still uploading (or failed).
  submitComposer() {
    const text = this.input.value.trim();
    const files = this.cb.attachments ? this.cb.attachments() : { ready: 0, blocker: '' };
    if (files.blocker) {
      this.blocker = files.blocker;
      this.showComposerError(files.blocker);
      return;
    }
    if (!text && !files.ready) return;
    this.cb.onSend(text, this.mentions.take(text));
    this.input.value = '';
    this.autosize(this.input);
    this.composerError.textContent = '';
    this.blocker = '';
  }

  // The attached files changed: the reason not to send may be gone.
  attachmentsChanged() {
    if (!this.blocker || !this.cb.attachments) return;
    const { blocker } = this.cb.attachments();
    if (blocker === this.blocker) return;
    if (this.composerError.textContent === this.blocker) this.composerError.textContent = blocker;
    this.blocker = blocker;
  }

  composerKey(e) {
    if (this.mentions.handleKey(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submitComposer();
    } else if (e.key === 'ArrowUp' && !this.input.value) {
      const id = this.lastOwnMessageId();
      if (id) {
        e.preventDefault();
        this.startEdit(id);
      }
    }
  }

  showComposerError(message) {
    this.composerError.textContent = message;
  }

  focusComposer() {
    this.input.focus();
  }

  autosize(textarea) {
    textarea.rows = Math.min(8, Math.max(1, textarea.value.split('\n').length));
  }

  lastOwnMessageId() {
    for (let i = this.log.size - 1; i >= 0; i--) {
      const m = this.log.at(i);
      if (m.user_id === this.me.id && !m.deleted) return m.id;
    }
    return '';
  }

  // --- clicks on messages ---

  listClick(e) {
    const button = e.target.closest('button[data-action]');
    if (!button) {
      // A tap on a message selects it: on touch screens its actions show (chat.css).
      const li = e.target.closest('li.msg');
      if (!li || e.target.closest('a')) return;
      const selected = this.list.querySelector('.msg--selected');
      if (selected && selected !== li) selected.classList.remove('msg--selected');
      li.classList.toggle('msg--selected');
      return;
    }
    const id = button.closest('li.msg').dataset.id;
    const action = button.dataset.action;
    if (action === 'edit') this.startEdit(id);
    else if (action === 'delete') this.confirmDelete(id, button);
    else if (action === 'react-menu') openReactionMenu(this.elements.get(id), button);
    else if (action === 'thread') this.cb.onOpenThread(button.dataset.root || id);
    else if (action === 'react') this.toggleReaction(id, button.dataset.emoji, button.getAttribute('aria-pressed') !== 'true');
    else if (action === 'react-pick') {
      const li = button.closest('li.msg');
      li.querySelector('button[data-action="react-menu"]').focus();
      button.closest('.reaction-menu').remove();
      const reaction = (this.log.get(id)?.reactions || []).find((r) => r.emoji === button.dataset.emoji);
      const mine = reaction && this.me && reaction.user_ids.includes(this.me.id);
      this.toggleReaction(id, button.dataset.emoji, !mine);
    }
  }

  pendingClick(e) {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const cmid = button.closest('li.msg').dataset.cmid;
    if (button.dataset.action === 'retry') this.cb.onRetry(cmid);
    else if (button.dataset.action === 'discard') {
      this.cb.onDiscard(cmid);
      this.input.focus();
    }
  }
}

// The history paging, and the editing and deleting, are MessageView's methods too, in their own files.
Object.assign(MessageView.prototype, historyMethods, editingMethods);
