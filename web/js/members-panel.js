// MembersPanel: who is in the open channel (AP5), paged, kept current by
// member.joined / member.left events. The count in its heading is the
// channel's user count (AP7). Each other member has a "Message" button that
// opens the direct conversation with them; each has a presence dot on
// their avatar, and a badge for the owner and admins (and deactivated people).

import { $, el, clear, show } from './dom.js';
import { roleBadge } from './roles.js';

export class MembersPanel {
  // loadPage(channelId, cursor) -> Promise<{members, next_cursor}>;
  // onMessage(member): start a conversation with them; isMe(userId) -> bool;
  // onRemove(member): take them out (the Remove buttons show only while
  // setRemovable(true), i.e. to a private channel's creator and to admins);
  // dot(userId): their presence dot; onListed(): the people listed changed
  constructor({ loadPage, onToggle, onMessage, isMe, onRemove, dot = () => null, onListed = () => {} }) {
    this.onRemove = onRemove;
    this.dot = dot;
    this.onListed = onListed;
    this.loadPage = loadPage;
    this.onToggle = onToggle;
    this.onMessage = onMessage;
    this.isMe = isMe;
    this.panel = $('members-panel');
    this.list = $('member-list');
    this.more = $('members-more');
    this.toggleButton = $('members-toggle');
    this.channelId = '';
    this.cursor = '';
    this.loaded = false;
    this.loading = null;
    this.ids = new Set();
    this.lastUserId = ''; // the highest user id the loaded pages reached
    this.toggleButton.addEventListener('click', () => this.setOpen(this.panel.hidden));
    $('members-close').addEventListener('click', () => {
      this.setOpen(false);
      this.toggleButton.focus();
    });
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        this.setOpen(false);
        this.toggleButton.focus();
      }
    });
    this.more.addEventListener('click', () => this.fetchPage());
    this.list.addEventListener('click', (e) => {
      const button = e.target.closest('button[data-action]');
      if (!button) return;
      const item = button.closest('li');
      const member = { user_id: item.dataset.userId, user_name: item.dataset.name };
      if (button.dataset.action === 'message') this.onMessage(member);
      else if (button.dataset.action === 'remove') this.onRemove(member);
    });
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.toggleButton.setAttribute('aria-expanded', String(open));
    if (open && !this.loaded) this.fetchPage();
    this.onToggle(open);
  }

  // Switches to another channel; members load when the panel is open.
  reset(channelId) {
    this.channelId = channelId;
    this.cursor = '';
    this.loaded = false;
    this.loading = null;
    this.ids.clear();
    this.lastUserId = '';
    clear(this.list);
    show(this.more, false);
    this.onListed();
    if (this.isOpen && channelId) this.fetchPage();
  }

  setRemovable(removable) {
    this.list.classList.toggle('member-list--removable', removable);
  }

  setCount(count) {
    $('members-count').textContent = count === undefined ? '' : `(${count.toLocaleString()})`;
  }

  async fetchPage() {
    if (this.loading || !this.channelId) return;
    const channelId = this.channelId;
    const cursor = this.cursor;
    this.loading = this.loadPage(channelId, cursor);
    try {
      const page = await this.loading;
      if (channelId !== this.channelId) return;
      for (const member of page.members || []) this.add(member, { fromPage: true });
      this.cursor = page.next_cursor || '';
      this.loaded = true;
      show(this.more, Boolean(this.cursor));
    } catch (err) {
      if (channelId === this.channelId) this.list.append(el('li', { class: 'error', text: err.message }));
    } finally {
      if (channelId === this.channelId) this.loading = null;
    }
  }

  // Pages come in user-id order; what is loaded is shown by name.
  add(member, { fromPage = false } = {}) {
    if (this.ids.has(member.user_id)) return;
    // A live join past the last loaded page shows up when that page loads.
    if (!fromPage && this.cursor && member.user_id > this.lastUserId) return;
    this.ids.add(member.user_id);
    if (fromPage && member.user_id > this.lastUserId) this.lastUserId = member.user_id;
    const name = member.user_name || member.user_id;
    const item = el(
      'li',
      { class: 'member', dataset: { userId: member.user_id, name } },
      el('span', { class: 'member__face' },
        el('span', { class: 'member__avatar', 'aria-hidden': 'true', text: initial(name) }),
        this.dot(member.user_id)),
      // The name, and under it the owner's or an admin's role (or "deactivated").
      el('span', { class: 'member__who' },
        el('span', { class: 'member__name', text: name }),
        roleBadge(member.role) ? el('span', { class: 'role-badge', text: roleBadge(member.role) }) : null,
        member.deactivated_at ? el('span', { class: 'role-badge role-badge--off', text: 'deactivated' }) : null),
      // Others only: a conversation with them, and (shown to a private channel's creator and admins) removing them.
      ...(this.isMe(member.user_id)
        ? []
        : [
            el('button', { type: 'button', class: 'button button--quiet member__message', dataset: { action: 'message' }, 'aria-label': `Message ${name}`, text: 'Message' }),
            el('button', { type: 'button', class: 'button button--quiet member__remove', dataset: { action: 'remove' }, 'aria-label': `Remove ${name}`, title: `Remove ${name} from the channel`, text: 'Remove' }),
          ]),
    );
    const next = [...this.list.children].find((li) => li.dataset.name.localeCompare(name) > 0);
    this.list.insertBefore(item, next || null);
    this.onListed();
  }

  remove(userId) {
    if (!this.ids.delete(userId)) return;
    const item = this.list.querySelector(`[data-user-id="${CSS.escape(userId)}"]`);
    if (item) item.remove();
    this.onListed();
  }
}

function initial(name) {
  const first = (name || '?').trim().codePointAt(0);
  return first ? String.fromCodePoint(first).toUpperCase() : '?';
}
