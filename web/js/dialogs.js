// The modal dialogs: browsing and searching the public channel directory,
// creating a channel, and confirming a deletion. Native <dialog> gives focus
// containment and Escape to close; focus returns to what opened it.

import { $, el, clear, show, plural, submitting } from './dom.js';

const SEARCH_DELAY_MS = 200;

export class BrowseDialog {
  // search(q, cursor) -> Promise<{channels, next_cursor}>; isMember(id) -> bool;
  // onJoin(channel) -> Promise; onOpen(id)
  constructor({ search, isMember, onJoin, onOpen }) {
    this.search = search;
    this.isMember = isMember;
    this.onJoin = onJoin;
    this.onOpen = onOpen;
    this.dialog = $('browse-dialog');
    this.input = $('browse-search');
    this.list = $('browse-list');
    this.status = $('browse-status');
    this.more = $('browse-more');
    this.cursor = '';
    this.generation = 0;
    this.timer = 0;
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.load(true), SEARCH_DELAY_MS);
    });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        clearTimeout(this.timer);
        this.load(true);
      }
    });
    this.more.addEventListener('click', () => this.load(false));
    this.list.addEventListener('click', (e) => this.clicked(e));
  }

  open() {
    this.input.value = '';
    this.dialog.showModal();
    this.input.focus();
    this.load(true);
  }

  async load(fresh) {
    const generation = ++this.generation;
    if (fresh) this.cursor = '';
    this.status.textContent = 'Searching…';
    try {
      const page = await this.search(this.input.value.trim(), this.cursor);
      if (generation !== this.generation) return;
      if (fresh) clear(this.list);
      for (const channel of page.channels || []) this.list.append(this.item(channel));
      this.cursor = page.next_cursor || '';
      show(this.more, Boolean(this.cursor));
      const count = this.list.childElementCount;
      this.status.textContent = count ? `${plural(count, 'channel')} shown.` : 'No public channels match.';
    } catch (err) {
      if (generation === this.generation) this.status.textContent = err.message;
    }
  }

  item(channel) {
    const member = this.isMember(channel.id);
    return el(
      'li',
      { class: 'directory__item', dataset: { channelId: channel.id } },
      el(
        'div',
        { class: 'directory__text' },
        el('span', { class: 'directory__name', text: `#${channel.name}` }),
        ' ',
        el('span', { class: 'muted', text: plural(channel.user_count || 0, 'member') }),
        channel.description ? el('p', { class: 'directory__description', text: channel.description }) : null,
      ),
      el('button', {
        type: 'button',
        class: `button${member ? '' : ' button--primary'}`,
        dataset: { action: member ? 'open' : 'join' },
        'aria-label': `${member ? 'Open' : 'Join'} #${channel.name}`,
        text: member ? 'Open' : 'Join',
      }),
    );
  }

  async clicked(e) {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const item = button.closest('li');
    const id = item.dataset.channelId;
    if (button.dataset.action === 'join') {
      button.disabled = true;
      try {
        await this.onJoin(id);
      } catch (err) {
        button.disabled = false;
        this.status.textContent = `Could not join: ${err.message}`;
        return;
      }
    }
    this.dialog.close();
    this.onOpen(id);
  }
}

export class CreateDialog {
  // create(name, description, isPrivate) -> Promise<channel>; onCreated(channel)
  constructor({ create, onCreated }) {
    this.dialog = $('create-dialog');
    this.form = $('create-form');
    this.error = $('create-error');
    $('create-cancel').addEventListener('click', () => this.dialog.close());
    this.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = $('create-name').value.trim();
      if (!name) {
        this.error.textContent = 'A channel needs a name.';
        $('create-name').focus();
        return;
      }
      await submitting(this.form, this.error, async () => {
        const channel = await create(name, $('create-description').value.trim(), $('create-private').checked);
        this.dialog.close();
        onCreated(channel);
      });
    });
  }

  open() {
    this.form.reset();
    this.error.textContent = '';
    this.dialog.showModal();
    $('create-name').focus();
  }
}

// Changing a channel's name and description (its topic) after creation.
export class EditChannelDialog {
  // save(name, description) -> Promise (rejects with the reason shown)
  constructor({ save }) {
    this.dialog = $('edit-dialog');
    this.form = $('edit-form');
    this.error = $('edit-error');
    $('edit-cancel').addEventListener('click', () => this.dialog.close());
    this.form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const name = $('edit-name').value.trim();
      if (!name) {
        this.error.textContent = 'A channel needs a name.';
        $('edit-name').focus();
        return;
      }
      await submitting(this.form, this.error, async () => {
        await save(name, $('edit-description').value.trim());
        this.dialog.close();
      });
    });
  }

  open(channel) {
    $('edit-name').value = channel.name || '';
    $('edit-description').value = channel.description || '';
    this.error.textContent = '';
    this.dialog.showModal();
    $('edit-description').focus();
  }
}

// confirm(text) -> Promise<boolean>, without the browser's blocking window.confirm.
export function confirmDialog(text, okLabel = 'Delete') {
  const dialog = $('confirm-dialog');
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    $('confirm-cancel').focus(); // the least destructive choice
  });
}
