// Presence (docs/websocket.md, "Presence"): a dot before people's names that
// says whether they are online, away or offline, and telling the server when
// this user is away and back.
//
// The page watches the people it shows: the signed-in user, the others in
// their direct and group conversations, and the members listed in the open
// channel's members panel. A new socket watches nobody, so the list goes out
// after every `ready` (each reconnect too) and, debounced, whenever it
// changes; the server answers with everyone's state, then with each change.
//
// Away: no key, click, pointer move, wheel or focus for AWAY_AFTER_MS (input
// does not reach a hidden tab, so a tab hidden that long is away too), and
// back at the next input. A new socket counts as not away: after a reconnect
// an away page says so again.

import { el } from './dom.js';

export const AWAY_AFTER_MS = 5 * 60 * 1000;
export const AWAY_AFTER_KEY = 'townhallAwayAfterMs'; // localStorage override, for tests
export const MAX_WATCHED = 500; // the server's limit per watch_presence
const WATCH_DEBOUNCE_MS = 300;
const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'focus'];
const LABELS = { online: 'online', away: 'away', offline: 'offline', unknown: 'status unknown' };
const TITLES = { online: 'Online', away: 'Away', offline: 'Offline', unknown: '' };

// The ids to watch, at most MAX_WATCHED, sorted (so an unchanged set compares
// equal): meId first, then the people of conversations ([ChannelState] the
// user is in), then the ids of the members panel; the first ones win the cut.
export function watchedUsers({ meId, channels = [], members = [] }) {
  const ids = new Set();
  if (meId) ids.add(meId);
  for (const ch of channels) {
    if (!ch.member || !ch.isConversation) continue;
    for (const person of ch.participants || []) if (person.user_id) ids.add(person.user_id);
  }
  for (const id of members) if (id) ids.add(id);
  return [...ids].slice(0, MAX_WATCHED).sort();
}

// Whose dot a 1:1 conversation shows: the other person's (one's own in a
// conversation with oneself); none for channels and groups.
export function dmPartner(ch, meId) {
  if (ch.kind !== 'dm' || !ch.participants || !ch.participants.length) return '';
  const other = ch.participants.find((p) => p.user_id !== meId);
  return (other || ch.participants[0]).user_id;
}

// AWAY_AFTER_MS, or the number of ms in storage (localStorage by default) under AWAY_AFTER_KEY.
export function awayAfterMs(storage) {
  let raw = null;
  try {
    const from = storage === undefined ? globalThis.localStorage : storage;
    raw = from ? from.getItem(AWAY_AFTER_KEY) : null;
  } catch {
    // storage may be blocked; the default holds
  }
  const ms = raw === null || String(raw).trim() === '' ? NaN : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : AWAY_AFTER_MS;
}

// Says onChange(true) once afterMs pass without input(), onChange(false) at
// the next input() after that. One timer at a time, and none while away: a
// stream of pointer moves only records the time. The clock is injectable.
export class AwayTimer {
  constructor({
    afterMs,
    onChange,
    now = () => Date.now(),
    setTimer = (fn, ms) => setTimeout(fn, ms),
    clearTimer = (id) => clearTimeout(id),
  }) {
    this.afterMs = afterMs;
    this.onChange = onChange;
    this.now = now;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.last = 0;
    this.away = false;
    this.timer = null;
  }

  start() {
    this.last = this.now();
    this.away = false;
    this.arm(this.afterMs);
  }

  stop() {
    this.clearTimer(this.timer);
    this.timer = null;
  }

  input() {
    this.last = this.now();
    if (!this.away) return;
    this.away = false;
    this.arm(this.afterMs);
    this.onChange(false);
  }

  arm(ms) {
    this.clearTimer(this.timer);
    this.timer = this.setTimer(() => this.check(), ms);
  }

  check() {
    this.timer = null;
    const idle = this.now() - this.last;
    if (idle < this.afterMs) {
      this.arm(this.afterMs - idle);
      return;
    }
    this.away = true;
    this.onChange(true);
  }
}

// Shows a state on a dot made by Presence.dot().
export function paintDot(node, state) {
  if (node.dataset.presence === state) return;
  node.dataset.presence = state;
  node.setAttribute('aria-label', LABELS[state] || state);
  node.title = TITLES[state] || '';
}

export class Presence {
  // send(frame): on the open socket (dropped without one); watched(): the ids
  // to watch (watchedUsers()); storage: where the away delay may be set
  // (localStorage when not given).
  constructor({ send, watched, storage }) {
    this.send = send;
    this.watched = watched;
    this.states = new Map(); // user id -> 'online' | 'away' | 'offline'
    this.sentKey = null; // the list this socket watches (null: none yet)
    this.signedIn = false; // a socket has said `ready`
    this.debounce = 0;
    this.meId = '';
    this.listening = false; // the input listeners are on
    this.timer = new AwayTimer({
      afterMs: awayAfterMs(storage),
      onChange: (away) => this.send({ type: 'status', away }),
    });
  }

  get away() {
    return this.timer.away;
  }

  // Signed in as meId: their own dot in the header, and the away timer.
  start(meId) {
    this.meId = meId;
    const own = document.getElementById('me-presence');
    if (own) {
      own.dataset.userId = meId;
      paintDot(own, this.stateOf(meId));
      own.hidden = false;
    }
    if (!this.listening) {
      // Once per page, however often one signs in.
      this.listening = true;
      const input = (e) => {
        // The window's own focus means the user came back; an element's may be the page's doing.
        if (e.type === 'focus' && e.target !== window) return;
        if (document.visibilityState !== 'hidden') this.timer.input();
      };
      for (const type of INPUT_EVENTS) window.addEventListener(type, input, { capture: true, passive: true });
      document.addEventListener('visibilitychange', input); // back to the tab
    }
    this.timer.start();
  }

  // A socket signed in: it watches nobody yet and counts as not away.
  ready() {
    this.signedIn = true;
    this.sentKey = null;
    clearTimeout(this.debounce);
    this.flush();
    if (this.away) this.send({ type: 'status', away: true });
  }

  // The people shown may have changed: the list goes out once things settle.
  changed() {
    if (!this.signedIn) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.flush(), WATCH_DEBOUNCE_MS);
  }

  flush() {
    const users = this.watched();
    const key = users.join('\n');
    if (key === this.sentKey) return;
    this.sentKey = key;
    this.send({ type: 'watch_presence', users });
  }

  // A presence frame's users: {id: state}, all of them or those that changed.
  heard(users) {
    if (!users || typeof users !== 'object') return;
    for (const [id, state] of Object.entries(users)) {
      if (state === 'online' || state === 'away' || state === 'offline') this.states.set(id, state);
    }
    this.paint();
  }

  stateOf(userId) {
    return this.states.get(userId) || 'unknown';
  }

  // A dot for userId, showing what is known; kept current by paint().
  dot(userId, className = '') {
    const node = el('span', { class: `presence-dot${className ? ` ${className}` : ''}`, role: 'img', dataset: { userId } });
    paintDot(node, this.stateOf(userId));
    return node;
  }

  // The dot of a 1:1 conversation's other person; null for channels and groups.
  conversationDot(ch) {
    const userId = dmPartner(ch, this.meId);
    return userId ? this.dot(userId) : null;
  }

  paint() {
    for (const node of document.querySelectorAll('.presence-dot[data-user-id]')) {
      paintDot(node, this.stateOf(node.dataset.userId));
    }
  }
}
