// A list the server hands out a page at a time, with a "Show more" button:
// read(cursor) answers a page with its next_cursor ('' on the last page);
// fetch(true) starts over from the first page. A page that arrives after a
// newer read began is dropped, and so is its failure (a tab reopened, a
// second click), so the list never shows an older answer over a newer one.

import { show } from './dom.js';

export class PagedList {
  // more: the "Show more" button. read(cursor) -> page; render(page, fresh)
  // shows it (fresh: in place of what is shown); failed(err) reports.
  constructor(more, { read, render, failed }) {
    this.more = more;
    this.read = read;
    this.render = render;
    this.failed = failed;
    this.cursor = '';
    this.generation = 0;
    more.addEventListener('click', () => this.fetch(false));
  }

  async fetch(fresh) {
    const generation = ++this.generation;
    if (fresh) this.cursor = '';
    try {
      const page = await this.read(this.cursor);
      if (generation !== this.generation) return;
      this.cursor = page.next_cursor || '';
      show(this.more, Boolean(this.cursor));
      this.render(page, fresh);
    } catch (err) {
      if (generation === this.generation) this.failed(err);
    }
  }
}
