// Sidebar: the user's channels (AP1) and, below them, their direct and
// group conversations by latest activity, each with its unread badge (and a
// direct message with the other person's presence dot); on narrow screens the
// off-canvas drawer that holds them.

import { $, el, clear, show } from './dom.js';

const NARROW = window.matchMedia('(max-width: 760px)');

const FAVICON = '<rect width="32" height="32" rx="7" fill="#4f46e5"/><path d="M8 10h16v9H15l-5 4v-4H8z" fill="#fff"/>';

// The tab's icon with a red dot counting mentions (and direct messages),
// so a glance at the tab bar tells whether someone is waiting.
export function setFaviconBadge(count) {
  const link = document.querySelector('link[rel="icon"]');
  if (!link) return;
  const label = count > 99 ? '99+' : String(count);
  const badge = count
    ? `<circle cx="23" cy="9" r="9" fill="#dc2626"/><text x="23" y="13" font-size="${label.length > 2 ? 8 : 11}" ` +
      `font-family="sans-serif" font-weight="700" fill="#fff" text-anchor="middle">${label}</text>`
    : '';
  const href = count
    ? `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${FAVICON}${badge}</svg>`)}`
    : 'favicon.svg';
  if (link.getAttribute('href') !== href) link.setAttribute('href', href);
  link.dataset.count = String(count);
}

export function channelHref(id) {
  return `#/c/${encodeURIComponent(id)}`;
}

export class Sidebar {
  // dot(channel): the presence dot a conversation shows, or null
  constructor({ dot = () => null } = {}) {
    this.dot = dot;
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
    this.nav.addEventListener('click', (e) => {
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
      const current = this.nav.querySelector('[aria-current="page"]') || this.nav.querySelector('a, button');
      if (current) current.focus();
    }
  }

  // channels and conversations: [ChannelState], each already sorted.
  render(channels, conversations, activeId) {
    this.fill(this.list, channels, activeId);
    show($('channel-list-empty'), channels.length === 0);
    this.fill($('dm-list'), conversations, activeId);
    show($('dm-list-empty'), conversations.length === 0);
  }

  fill(list, channels, activeId) {
    clear(list);
    for (const channel of channels) list.append(el('li', {}, link(channel, activeId, this.dot(channel))));
  }
}

const KIND_LABELS = { dm: ' (direct message)', group: ' (group conversation)' };

// dot: a presence dot, shown where the icon goes (after the name for screen
// readers: "Bob (direct message) online").
function link(channel, activeId, dot) {
  const unread = channel.id === activeId ? 0 : channel.unread;
  // A group shows how many people are in it; text glyphs render without an emoji font.
  let icon = channel.private ? '🔒' : '#';
  if (channel.kind === 'dm') icon = '@';
  if (channel.kind === 'group') icon = String(channel.participants.length || '');
  const label = KIND_LABELS[channel.kind] || (channel.private ? ' (private)' : '');
  if (dot) dot.classList.add('channel-link__presence');
  return el(
    'a',
    {
      class: `channel-link${unread ? ' channel-link--unread' : ''}${channel.muted ? ' channel-link--muted' : ''}`,
      href: channelHref(channel.id),
      'aria-current': channel.id === activeId ? 'page' : undefined,
      dataset: { channelId: channel.id },
    },
    dot ? null : el('span', { class: 'channel-link__hash', 'aria-hidden': 'true', text: icon }),
    el('span', { class: 'channel-link__name', text: channel.name }),
    label ? el('span', { class: 'visually-hidden', text: label }) : null,
    dot,
    channel.muted ? el('span', { class: 'visually-hidden', text: ' (muted)' }) : null,
    channel.mentions && channel.id !== activeId
      ? el(
          'span',
          { class: 'badge badge--mention' },
          `@${channel.mentions}`,
          el('span', { class: 'visually-hidden', text: channel.mentions === 1 ? ' mention' : ' mentions' }),
        )
      : null,
    unread
      ? el(
          'span',
          { class: 'badge' },
          unread >= 100 ? '99+' : String(unread),
          el('span', { class: 'visually-hidden', text: unread === 1 ? ' unread message' : ' unread messages' }),
        )
      : null,
  );
}
