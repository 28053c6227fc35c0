// The admin panel's Audit trail tab: every admin action, newest first, a
// page at a time ("Show older"): when, who, what (in words), and its detail
// and target as the server recorded them (a user target with their name,
// when the Users tab knows it). All of it is text.

import { adminApi } from './api.js';
import { $, el, clear, plural } from './dom.js';
import { fullTime, shortTime } from './format.js';
import { PagedList } from './paged-list.js';
import { actionLabel } from './roles.js';

export class AuditTab {
  // panel: the AdminPanel (say(text), fail(what, err), userName(id))
  constructor(panel) {
    this.panel = panel;
    this.list = $('admin-audit-list');
    this.pages = new PagedList($('admin-audit-more'), {
      read: (cursor) => {
        this.panel.say('Loading…');
        return adminApi.audit(cursor);
      },
      render: (page, fresh) => this.render(page, fresh),
      failed: (err) => this.panel.fail('Could not read the audit trail', err),
    });
  }

  load() {
    this.pages.fetch(true);
  }

  render(page, fresh) {
    if (fresh) clear(this.list);
    for (const entry of page.entries || []) this.list.append(renderEntry(entry, (id) => this.panel.userName(id)));
    const count = this.list.childElementCount;
    this.panel.say(count ? `${plural(count, 'action')} shown, newest first.` : 'No admin actions yet.');
  }
}

// userName(id): a user's name if the panel knows it ('' if not), beside a "user:<id>" target.
function renderEntry(entry, userName) {
  const user = /^user:(.+)$/.exec(entry.target);
  const name = user ? userName(user[1]) : '';
  return el(
    'li',
    { class: 'admin-audit__entry', dataset: { action: entry.action } },
    el('time', { class: 'muted admin-audit__time', datetime: new Date(entry.at_ms).toISOString(), title: fullTime(entry.at_ms), text: shortTime(entry.at_ms) }),
    el(
      'span',
      { class: 'admin-audit__what' },
      el('strong', { text: entry.actor_name || entry.actor_id }),
      ` ${actionLabel(entry.action)}`,
      entry.detail ? el('span', { class: 'admin-audit__detail', text: ` (${entry.detail})` }) : null,
    ),
    el('span', { class: 'muted admin-audit__target', title: entry.action, text: name ? `${name}, ${entry.target}` : entry.target }),
  );
}
