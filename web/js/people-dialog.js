// PeopleDialog: names people, for two jobs. "conversation" starts (or
// reopens) the direct or group conversation with them; "add" adds them to
// the open private channel. Names are matched as the server matches them
// (case-insensitive, exact); each unknown name is reported by name.

import { $ } from './dom.js';

const MAX_OTHERS = 7;

// "alice, Bob ,, carol" -> ["alice", "Bob", "carol"], without repeats.
export function parseNames(text) {
  const seen = new Set();
  const names = [];
  for (const part of String(text).split(',')) {
    const name = part.trim();
    const key = name.toLowerCase();
    if (!name || seen.has(key)) continue;
    seen.add(key);
    names.push(name);
  }
  return names;
}

const MODES = {
  conversation: {
    heading: 'New direct message',
    label: 'To (names, separated by commas)',
    hint: `Up to ${MAX_OTHERS} people. The same people always meet in the same conversation.`,
    submit: 'Start',
  },
  add: {
    heading: 'Add people',
    label: 'Names, separated by commas',
    hint: 'They see the channel and its history at once.',
    submit: 'Add',
  },
};

export class PeopleDialog {
  // run(mode, names) -> Promise: rejects with an Error whose message is shown.
  constructor({ run }) {
    this.run = run;
    this.mode = 'conversation';
    this.dialog = $('people-dialog');
    this.form = $('people-form');
    this.input = $('people-names');
    this.error = $('people-error');
    $('people-cancel').addEventListener('click', () => this.dialog.close());
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
  }

  open(mode, initial = '') {
    this.mode = mode;
    const text = MODES[mode];
    $('people-heading').textContent = text.heading;
    $('people-label').textContent = text.label;
    $('people-hint').textContent = text.hint;
    $('people-submit').textContent = text.submit;
    this.form.reset();
    this.input.value = initial;
    this.error.textContent = '';
    this.dialog.showModal();
    this.input.focus();
  }

  async submit() {
    const names = parseNames(this.input.value);
    if (!names.length && this.mode === 'add') {
      this.error.textContent = 'Name at least one person.';
      this.input.focus();
      return;
    }
    if (names.length > MAX_OTHERS) {
      this.error.textContent = `At most ${MAX_OTHERS} people; make a private channel for more.`;
      this.input.focus();
      return;
    }
    const button = $('people-submit');
    button.disabled = true;
    try {
      await this.run(this.mode, names);
      this.dialog.close();
    } catch (err) {
      this.error.textContent = err.message;
      this.input.focus();
    } finally {
      button.disabled = false;
    }
  }
}
