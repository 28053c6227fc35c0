// SearchPanel: the message search box in the top bar and the results under
// it. Enter (or a pause while typing) searches; each hit shows its channel,
// author, time and snippet (matched words in <mark>, all of it as text) and
// is a button that opens the message. "Load more" follows next_cursor.
// Escape, the close button or a click elsewhere closes the panel; Ctrl+K
// (⌘K) or "/" from outside a text field puts the focus in the box.

import { $, el, clear, show } from './dom.js';
import { fullTime, messageTimeMs, shortTime } from './format.js';
import { hitChannelLabel, renderSnippet, resultsStatus } from './search-results.js';

const TYPING_DELAY_MS = 300;
const MIN_TYPED_CHARS = 2; // searching as one types starts here (Enter searches anything)

function isTextField(node) {
  return Boolean(node && node.closest && node.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

export class SearchPanel {
  // search(q, cursor) -> Promise<{results, next_cursor}>; onPick(hit);
  // fatal(err) -> bool: errors not to show here (a session that ended)
  constructor({ search, onPick, fatal = () => false }) {
    this.search = search;
    this.onPick = onPick;
    this.fatal = fatal;
    this.form = $('search-form');
    this.input = $('search-input');
    this.panel = $('search-panel');
    this.list = $('search-results');
    this.status = $('search-status');
    this.error = $('search-error');
    this.more = $('search-more');
    this.hits = [];
    this.query = ''; // what the results shown are for
    this.cursor = '';
    this.generation = 0;
    this.timer = 0;

    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.run(true);
    });
    this.input.addEventListener('input', () => this.typed());
    this.input.addEventListener('focus', () => this.open());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) {
        e.preventDefault();
        this.close();
      } else if (e.key === 'ArrowDown' && this.hits.length) {
        e.preventDefault();
        this.open();
        this.buttons()[0].focus();
      }
    });
    this.panel.addEventListener('keydown', (e) => this.panelKey(e));
    $('search-close').addEventListener('click', () => {
      this.close();
      this.input.focus();
    });
    this.more.addEventListener('click', () => this.run(false));
    this.list.addEventListener('click', (e) => {
      const button = e.target.closest('button.search-hit');
      if (!button) return;
      const hit = this.hits[Number(button.dataset.index)];
      if (!hit) return;
      this.close();
      this.onPick(hit);
    });
    // A click anywhere else puts the results away (they come back with the focus).
    document.addEventListener('pointerdown', (e) => {
      if (this.isOpen && !this.panel.contains(e.target) && !this.form.contains(e.target)) this.close();
    });
    document.addEventListener('keydown', (e) => {
      if (e.defaultPrevented || e.altKey || document.querySelector('dialog[open]')) return;
      const ctrlK = (e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'k';
      const slash = e.key === '/' && !e.ctrlKey && !e.metaKey && !isTextField(e.target);
      if (!ctrlK && !slash) return;
      e.preventDefault();
      this.focus();
    });
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  focus() {
    this.input.focus();
    this.input.select();
    this.open();
  }

  open() {
    show(this.panel, true);
  }

  close() {
    clearTimeout(this.timer);
    show(this.panel, false);
  }

  buttons() {
    return [...this.list.querySelectorAll('button.search-hit')];
  }

  // Up and down move through the results; Escape goes back to the box.
  panelKey(e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
      this.input.focus();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = this.buttons();
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    e.preventDefault();
    if (e.key === 'ArrowUp' && at === 0) this.input.focus();
    else buttons[Math.min(buttons.length - 1, e.key === 'ArrowDown' ? at + 1 : at - 1)].focus();
  }

  // Searches a moment after the typing stops; an emptied box clears the results.
  typed() {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    if (!q) {
      this.reset();
      return;
    }
    if (q.length >= MIN_TYPED_CHARS && q !== this.query) this.timer = setTimeout(() => this.run(true), TYPING_DELAY_MS);
  }

  reset() {
    ++this.generation; // an answer still on its way is not wanted any more
    this.clearResults();
  }

  clearResults() {
    this.query = '';
    this.cursor = '';
    this.hits = [];
    clear(this.list);
    show(this.more, false);
    this.status.textContent = '';
    this.error.textContent = '';
    this.panel.removeAttribute('aria-busy');
  }

  // A new search (fresh) or the next page of the one shown.
  async run(fresh) {
    clearTimeout(this.timer);
    const q = fresh ? this.input.value.trim() : this.query;
    if (!q) {
      this.reset();
      this.open();
      return;
    }
    const generation = ++this.generation;
    const cursor = fresh ? '' : this.cursor;
    this.open();
    this.error.textContent = '';
    this.status.textContent = 'Searching…';
    this.panel.setAttribute('aria-busy', 'true');
    this.more.disabled = true;
    try {
      const page = await this.search(q, cursor);
      if (generation !== this.generation) return;
      if (fresh) {
        clear(this.list);
        this.hits = [];
      }
      this.query = q;
      for (const hit of page.results || []) {
        if (!hit || !hit.message) continue;
        this.hits.push(hit);
        this.list.append(this.item(hit, this.hits.length - 1));
      }
      this.cursor = page.next_cursor || '';
      show(this.more, Boolean(this.cursor));
      this.status.textContent = resultsStatus(this.hits.length, Boolean(this.cursor));
    } catch (err) {
      if (generation !== this.generation) return;
      if (this.fatal(err)) throw err;
      if (fresh) this.clearResults();
      this.status.textContent = '';
      this.error.textContent = err.message || 'The search failed.';
    } finally {
      if (generation === this.generation) {
        this.panel.removeAttribute('aria-busy');
        this.more.disabled = false;
      }
    }
  }

  item(hit, index) {
    const message = hit.message;
    const ms = messageTimeMs(message);
    return el(
      'li',
      { class: 'search-results__item' },
      el(
        'button',
        { type: 'button', class: 'search-hit', dataset: { index: String(index), id: message.id } },
        el(
          'span',
          { class: 'search-hit__meta' },
          el('span', { class: 'search-hit__channel', text: hitChannelLabel(hit.channel) }),
          el('span', { class: 'search-hit__author', text: message.user_name || 'Someone' }),
          el('time', {
            class: 'search-hit__time',
            datetime: ms ? new Date(ms).toISOString() : undefined,
            title: ms ? fullTime(ms) : undefined,
            text: ms ? shortTime(ms) : '',
          }),
          message.thread_root ? el('span', { class: 'search-hit__thread', text: 'in a thread' }) : null,
        ),
        renderSnippet(hit.snippet, message.text || ''),
      ),
    );
  }
}
