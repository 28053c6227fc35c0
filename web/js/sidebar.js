// Sidebar: the user's channels (AP1) with unread badges, and on narrow
// screens the off-canvas drawer that holds them.

import { $, el, clear, show } from './dom.js';

const NARROW = window.matchMedia('(max-width: 760px)');

export function channelHref(id) {
  return `#/c/${encodeURIComponent(id)}`;
}

export class Sidebar {
  constructor() {
    this.nav = $('sidebar');
    this.list = $('channel-list');
    this.toggle = $('nav-toggle');
    this.scrim = $('scrim');
    this.toggle.addEventListener('click', () => this.setOpen(!this.isOpen()));
    this.scrim.addEventListener('click', () => this.setOpen(false));
    this.nav.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen()) {
        this.setOpen(false);
        this.toggle.focus();
      }
    });
    this.list.addEventListener('click', (e) => {
      if (e.target.closest('a')) this.setOpen(false);
    });
    NARROW.addEventListener('change', () => this.setOpen(false));
  }

  isOpen() {
    return this.nav.classList.contains('sidebar--open');
  }

  setOpen(open) {
    const drawer = open && NARROW.matches;
    this.nav.classList.toggle('sidebar--open', drawer);
    this.toggle.setAttribute('aria-expanded', String(drawer));
    this.toggle.setAttribute('aria-label', drawer ? 'Hide channels' : 'Show channels');
    show(this.scrim, drawer);
    if (drawer) {
      const current = this.list.querySelector('[aria-current="page"]') || this.nav.querySelector('a, button');
      if (current) current.focus();
    }
  }

  // channels: [{id, name, private, unread}], already sorted.
  render(channels, activeId) {
    clear(this.list);
    for (const channel of channels) {
      const unread = channel.id === activeId ? 0 : channel.unread;
      const link = el(
        'a',
        {
          class: `channel-link${unread ? ' channel-link--unread' : ''}`,
          href: channelHref(channel.id),
          'aria-current': channel.id === activeId ? 'page' : undefined,
          dataset: { channelId: channel.id },
        },
        el('span', { class: 'channel-link__hash', 'aria-hidden': 'true', text: channel.private ? '🔒' : '#' }),
        el('span', { class: 'channel-link__name', text: channel.name }),
        channel.private ? el('span', { class: 'visually-hidden', text: ' (private)' }) : null,
        unread
          ? el(
              'span',
              { class: 'badge' },
              unread >= 100 ? '99+' : String(unread),
              el('span', { class: 'visually-hidden', text: unread === 1 ? ' unread message' : ' unread messages' }),
            )
          : null,
      );
      this.list.append(el('li', {}, link));
    }
    show($('channel-list-empty'), channels.length === 0);
  }
}
