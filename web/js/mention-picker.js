// MentionPicker: "@" in the composer offers the conversation's people by
// name (arrows to choose, Enter or Tab to take, Escape to close); a chosen
// name goes into the text as "@Name " and is remembered by id, so the message
// mentions the user whatever their name becomes. take(text) hands over the
// ids still named in the text when the message is sent.

import { el, clear, show } from './dom.js';
import { EVERYONE, GROUPS } from './mention-groups.js';

export { EVERYONE, HERE } from './mention-groups.js';

const SHOWN = 8;

// The "@query" just before the caret, or null.
export function mentionQuery(text, caret) {
  const match = /(^|\s)@([^\s@]{0,32})$/.exec(text.slice(0, caret));
  return match ? { query: match[2], start: caret - match[2].length - 1 } : null;
}


// People whose name starts with the query first, then those containing it.
export function rankPeople(people, query) {
  const q = query.toLowerCase();
  const starts = people.filter((p) => p.user_name.toLowerCase().startsWith(q));
  const contains = people.filter((p) => !starts.includes(p) && p.user_name.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, SHOWN);
}

export class MentionPicker {
  // people() -> Promise<[{user_id, user_name}]>: who can be mentioned here.
  constructor(input, { people }) {
    this.input = input;
    this.people = people;
    this.chosen = new Map(); // user id -> name, while the draft lasts
    this.matches = [];
    this.index = 0;
    this.at = null;
    this.id = `${input.id}-mentions`; // one picker per composer
    this.list = el('ul', { class: 'mention-picker', role: 'listbox', id: this.id, 'aria-label': 'People to mention' });
    show(this.list, false);
    input.before(this.list);
    input.setAttribute('aria-controls', this.id);
    input.addEventListener('input', () => this.update());
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    this.list.addEventListener('mousedown', (e) => {
      const item = e.target.closest('li');
      if (!item) return;
      e.preventDefault(); // keep the focus in the composer
      this.pick(Number(item.dataset.index));
    });
  }

  get isOpen() {
    return !this.list.hidden;
  }

  async update() {
    const at = mentionQuery(this.input.value, this.input.selectionStart);
    if (!at) {
      this.close();
      return;
    }
    const people = await this.people();
    if (mentionQuery(this.input.value, this.input.selectionStart)?.start !== at.start) return; // typed on meanwhile
    this.at = at;
    this.matches = rankPeople(people, at.query);
    for (const group of GROUPS) {
      if (people.length && group.user_name.startsWith(at.query.toLowerCase())) this.matches.push(group);
    }
    this.index = 0;
    this.render();
  }

  render() {
    clear(this.list);
    this.matches.forEach((person, i) => {
      this.list.append(el('li', {
        role: 'option',
        id: `${this.id}-${i}`,
        class: `mention-picker__item${i === this.index ? ' mention-picker__item--active' : ''}`,
        'aria-selected': String(i === this.index),
        dataset: { index: String(i) },
        text: person.label || person.user_name,
      }));
    });
    show(this.list, this.matches.length > 0);
    this.input.setAttribute('aria-expanded', String(this.matches.length > 0));
    if (this.matches.length) this.input.setAttribute('aria-activedescendant', `${this.id}-${this.index}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  close() {
    this.matches = [];
    this.at = null;
    show(this.list, false);
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  // Keys while open: true when the picker used the key.
  handleKey(e) {
    if (!this.isOpen) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.index = (this.index + (e.key === 'ArrowDown' ? 1 : this.matches.length - 1)) % this.matches.length;
      this.render();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      this.pick(this.index);
    } else if (e.key === 'Escape') {
      this.close();
    } else {
      return false;
    }
    e.preventDefault();
    e.stopPropagation();
    return true;
  }

  pick(index) {
    const person = this.matches[index];
    if (!person || !this.at) return;
    const text = this.input.value;
    const caret = this.input.selectionStart;
    const inserted = `@${person.user_name} `;
    this.input.value = text.slice(0, this.at.start) + inserted + text.slice(caret);
    const position = this.at.start + inserted.length;
    this.input.setSelectionRange(position, position);
    this.chosen.set(person.user_id, person.user_name);
    this.close();
  }

  // The ids of the people chosen whose "@Name" is still in text (EVERYONE's
  // or HERE's id when "@channel" or "@here" was chosen); the draft starts over.
  take(text) {
    const ids = [...this.chosen].filter(([, name]) => text.includes(`@${name}`)).map(([id]) => id);
    this.chosen.clear();
    this.close();
    return ids;
  }
}
