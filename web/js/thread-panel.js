// ThreadPanel: one message's thread beside the channel: the root, its
// replies oldest first (paged), and a composer that replies, optionally
// also to the channel. Replies arrive live through the channel's own
// subscription (the app hands them over with put()), so the thread resumes
// after a reconnect exactly as the channel does: the replay brings what was
// missed and put() keeps one copy per id.

import { $, el, clear, show, plural } from './dom.js';
import { fullTime, messageTimeMs, shortTime } from './format.js';
import { newClientMessageId } from './outbox.js';
import { openReactionMenu, renderReactions } from './reactions-view.js';
import { messageText } from './message-text.js';
import { MentionPicker } from './mention-picker.js';
import { renderFiles } from './files-view.js';
import { isModerator } from './roles.js';

const PAGE_SIZE = 100;
export const HIGHLIGHT_MS = 6000; // how long a message opened from search stays highlighted

// "3 replies · last 14:05": the button under a root that opens its thread.
export function threadLink(message) {
  if (!message.reply_count) return null;
  const last = message.last_reply_at_ms ? ` · last ${shortTime(message.last_reply_at_ms)}` : '';
  return el('button', {
    type: 'button',
    class: 'thread-link',
    dataset: { action: 'thread' },
    text: `${plural(message.reply_count, 'reply', 'replies')}${last}`,
  });
}

const tiny = (action, label, text) => el('button', { type: 'button', class: 'button button--tiny', dataset: { action }, 'aria-label': label, text });

// A message as the panel shows it: text, reactions, and the actions one may take on it.
function renderMessage(message, me, canAct) {
  const ms = messageTimeMs(message);
  const mine = me && message.user_id === me.id;
  const actions =
    canAct && !message.deleted
      ? el(
          'div',
          { class: 'msg__actions' },
          tiny('react-menu', 'Add a reaction', '☺+'),
          mine ? tiny('edit', 'Edit reply', 'Edit') : null,
          mine || isModerator(me) ? tiny('delete', 'Delete reply', 'Delete') : null,
        )
      : null;
  return el(
    'li',
    { class: `msg${mine ? ' msg--mine' : ''}${message.deleted ? ' msg--deleted' : ''}`, dataset: { id: message.id } },
    el(
      'div',
      { class: 'msg__meta' },
      el('span', { class: 'msg__author', text: message.user_name || 'Someone' }),
      ' ',
      el('time', { class: 'msg__time', datetime: ms ? new Date(ms).toISOString() : undefined, title: ms ? fullTime(ms) : undefined, text: ms ? shortTime(ms) : '' }),
      message.edited_at_ms && !message.deleted ? el('span', { class: 'msg__edited', text: ' (edited)' }) : null,
    ),
    message.deleted
      ? el('p', { class: 'msg__text msg__tombstone', text: 'This message was deleted.' })
      : messageText(message, 'msg__text', me?.id),
    renderFiles(message),
    message.deleted ? null : renderReactions(message, me),
    actions,
  );
}

export class ThreadPanel {
  // load(channelId, rootId, cursor) -> Promise<{root, replies, next_cursor}>;
  // reply(channelId, rootId, text, alsoInChannel, clientMessageId) -> Promise<{message}>;
  // onEdit(id, text), onDelete(id), onReact(id, emoji, on): Promises, as the channel's;
  // confirm(text) -> Promise<boolean>; me() -> the signed-in user; onToggle(open);
  // people() -> Promise<[{user_id, user_name}]>: who a reply can mention
  constructor({ load, reply, onEdit, onDelete, onReact, confirm, me, onToggle, people }) {
    this.load = load;
    this.reply = reply;
    this.cb = { onEdit, onDelete, onReact, confirm };
    this.me = me;
    this.onToggle = onToggle;
    this.canAct = true; // a member: may reply, react, edit and delete their own
    this.editingId = '';
    this.panel = $('thread-panel');
    this.input = $('thread-input');
    this.error = $('thread-error');
    this.channelId = '';
    this.rootId = '';
    this.root = null;
    this.replies = new Map(); // id -> message
    this.cursor = '';
    this.generation = 0;
    this.draft = null; // {text, cmid}: a failed reply keeps its id, so a retry is not doubled
    this.revealId = ''; // a reply to bring into view once loaded
    $('thread-close').addEventListener('click', () => this.close());
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.close();
    });
    $('thread-more').addEventListener('click', () => this.fetch(false));
    $('thread-composer').addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    this.mentions = new MentionPicker(this.input, { people });
    this.input.addEventListener('keydown', (e) => {
      if (this.mentions.handleKey(e)) return;
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.send();
      }
    });
    this.panel.addEventListener('click', (e) => this.clicked(e));
  }

  // Whether the reader may reply and act (a member), or only read.
  setCanAct(canAct) {
    this.canAct = canAct;
    show($('thread-composer'), canAct);
    this.render();
  }

  message(id) {
    return this.root && this.root.id === id ? this.root : this.replies.get(id);
  }

  async clicked(e) {
    const button = e.target.closest('button[data-action]');
    const li = button && button.closest('#thread-panel li.msg');
    if (!li) return;
    const id = li.dataset.id;
    const action = button.dataset.action;
    try {
      if (action === 'react-menu') openReactionMenu(li, button);
      else if (action === 'edit') this.startEdit(li, id);
      else if (action === 'delete') {
        if (await this.cb.confirm('Delete this reply? It cannot be undone.')) await this.cb.onDelete(id);
      } else if (action === 'react' || action === 'react-pick') {
        const reaction = (this.message(id)?.reactions || []).find((r) => r.emoji === button.dataset.emoji);
        const mine = Boolean(reaction && reaction.user_ids.includes(this.me().id));
        if (action === 'react-pick') button.closest('.reaction-menu').remove();
        await this.cb.onReact(id, button.dataset.emoji, !mine);
      }
    } catch (err) {
      this.error.textContent = err.message;
    }
  }

  // An editor in place of the reply's text: Enter saves, Escape cancels.
  startEdit(li, id) {
    const message = this.message(id);
    if (!message || message.deleted) return;
    this.editingId = id;
    const textarea = el('textarea', { class: 'msg__editor', maxlength: '4096', 'aria-label': 'Edit reply' });
    textarea.value = message.text;
    const save = async () => {
      const text = textarea.value.trim();
      if (!text) return;
      try {
        await this.cb.onEdit(id, text);
        this.editingId = '';
        this.render();
      } catch (err) {
        this.error.textContent = `Not saved: ${err.message}`;
      }
    };
    textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        save();
      } else if (e.key === 'Escape') {
        e.stopPropagation();
        this.editingId = '';
        this.render();
      }
    });
    li.querySelector('.msg__text').replaceWith(textarea);
    textarea.focus();
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  // replyId: a reply to bring into view and highlight once loaded (a search hit).
  open(channelId, rootId, replyId = '') {
    this.revealId = replyId;
    if (this.isOpen && this.channelId === channelId && this.rootId === rootId) {
      this.reveal();
      this.input.focus();
      return;
    }
    this.channelId = channelId;
    this.rootId = rootId;
    this.root = null;
    this.replies.clear();
    this.cursor = '';
    this.draft = null;
    this.editingId = '';
    this.input.value = '';
    $('thread-also').checked = false;
    this.error.textContent = '';
    clear($('thread-root'));
    clear($('thread-replies'));
    this.panel.hidden = false;
    this.onToggle(true);
    this.fetch(true);
    this.input.focus();
  }

  close() {
    if (!this.isOpen) return;
    this.panel.hidden = true;
    this.channelId = '';
    this.rootId = '';
    this.onToggle(false);
  }

  // Loads the first page (fresh) or the next; merges by id, so reloading
  // after a reconnect adds only what is new.
  async fetch(fresh) {
    const generation = ++this.generation;
    const { channelId, rootId } = this;
    try {
      const page = await this.load(channelId, rootId, fresh ? '' : this.cursor);
      if (generation !== this.generation) return;
      this.rootId = page.root.id; // a reply's id opened its root's thread
      this.root = page.root;
      for (const reply of page.replies || []) this.replies.set(reply.id, reply);
      if (fresh || this.cursor) this.cursor = page.next_cursor || '';
      this.render();
      this.reveal();
    } catch (err) {
      if (generation === this.generation) this.error.textContent = `Could not load the thread: ${err.message}`;
    }
  }

  // Reloads after a reconnect (edits and deletions are not replayed).
  refresh() {
    if (this.isOpen) this.fetch(true);
  }

  // A message of the open channel, live or replayed: the root or one of its replies.
  put(message) {
    if (!this.isOpen) return;
    if (this.root && message.id === this.root.id) {
      this.root = { ...this.root, ...message };
    } else if (message.thread_root === this.rootId) {
      const known = this.replies.get(message.id);
      this.replies.set(message.id, known ? { ...known, ...message } : message);
    } else {
      return;
    }
    this.render();
  }

  render() {
    if (this.editingId) return; // not under the editor's feet; rendered when it closes
    const root = $('thread-root');
    clear(root);
    const me = this.me();
    if (this.root) root.append(el('ol', { class: 'message-list' }, renderMessage(this.root, me, this.canAct)));
    const list = $('thread-replies');
    const atBottom = list.parentElement.scrollHeight - list.parentElement.scrollTop - list.parentElement.clientHeight < 48;
    clear(list);
    const ids = [...this.replies.keys()].sort();
    for (const id of ids) list.append(renderMessage(this.replies.get(id), me, this.canAct));
    const live = ids.filter((id) => !this.replies.get(id).deleted).length;
    $('thread-count').textContent = live ? plural(live, 'reply', 'replies') : 'No replies yet.';
    show($('thread-more'), Boolean(this.cursor));
    if (atBottom) list.parentElement.scrollTop = list.parentElement.scrollHeight;
  }

  // Scrolls the reply asked for by open() into view, highlighted for a moment.
  reveal() {
    if (!this.revealId) return;
    const li = [...$('thread-replies').children].find((item) => item.dataset.id === this.revealId);
    if (!li) return;
    this.revealId = '';
    li.scrollIntoView({ block: 'center' });
    li.classList.add('msg--highlight');
    setTimeout(() => li.classList.remove('msg--highlight'), HIGHLIGHT_MS);
  }

  async send() {
    const text = this.input.value.trim();
    if (!text || !this.rootId) return;
    if (!this.draft || this.draft.text !== text) this.draft = { text, cmid: newClientMessageId(), mentions: this.mentions.take(text) };
    const button = $('thread-send');
    button.disabled = true;
    try {
      const { message } = await this.reply(this.channelId, this.rootId, text, $('thread-also').checked, this.draft.cmid,
        this.draft.mentions);
      this.draft = null;
      this.input.value = '';
      $('thread-also').checked = false; // each reply chooses anew, as in other chats
      this.error.textContent = '';
      if (message) this.put(message);
    } catch (err) {
      this.error.textContent = `Not sent: ${err.message}`;
    } finally {
      button.disabled = false;
      this.input.focus();
    }
  }
}
