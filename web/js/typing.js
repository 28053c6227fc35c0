// Typing: "Alice is typing…" under the composer of the open channel, and
// telling the others when this user types. Ephemeral on both ends: the
// server relays a typing event and stores nothing; a name shows for a few
// seconds after its last event, or until that person's message arrives.

import { $ } from './dom.js';

const SEND_EVERY_MS = 3000; // the server drops more frequent ones anyway
const SHOWN_FOR_MS = 6000; // a little over two sending intervals

export class Typing {
  // send(channelId): the typing frame; activeId(), meId(): the app's state
  constructor({ send, activeId, meId }) {
    this.send = send;
    this.activeId = activeId;
    this.meId = meId;
    this.lastSent = new Map(); // channel id -> ms
    this.typists = new Map(); // channel id -> Map(user id -> {name, until})
    this.timer = 0;
  }

  // This user typed in channelId.
  typed(channelId) {
    const now = Date.now();
    if (!channelId || now - (this.lastSent.get(channelId) || 0) < SEND_EVERY_MS) return;
    this.lastSent.set(channelId, now);
    this.send(channelId);
  }

  // Someone's typing event.
  heard(channelId, member) {
    if (member.user_id === this.meId()) return; // one's own, from another tab
    if (!this.typists.has(channelId)) this.typists.set(channelId, new Map());
    this.typists.get(channelId).set(member.user_id, { name: member.user_name || 'Someone', until: Date.now() + SHOWN_FOR_MS });
    this.render();
  }

  // Their message arrived: they are done typing it.
  stopped(channelId, userId) {
    if (this.typists.get(channelId)?.delete(userId)) this.render();
  }

  render() {
    clearTimeout(this.timer);
    const now = Date.now();
    const here = this.typists.get(this.activeId()) || new Map();
    for (const [id, typist] of here) if (typist.until <= now) here.delete(id);
    const names = [...here.values()].map((t) => t.name).sort((a, b) => a.localeCompare(b));
    let text = '';
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = 'Several people are typing…';
    const line = $('typing');
    if (line.textContent !== text) line.textContent = text;
    if (here.size) this.timer = setTimeout(() => this.render(), Math.min(...[...here.values()].map((t) => t.until - now)) + 50);
  }
}
