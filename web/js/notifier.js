// Notifier: browser notifications (opt-in) for direct and group messages
// and for mentions that arrive while the page is hidden: at most one per
// conversation every few seconds, none from a muted one, and a click brings
// the page up on that conversation.

import { $, show } from './dom.js';
import { messageSummary } from './files.js';

const QUIET_MS = 5000; // per conversation, between two notifications
const BODY_CHARS = 140;

export class Notifier {
  // open(channelId): show that conversation
  constructor({ open }) {
    this.open = open;
    this.last = new Map(); // channel id -> ms of its last notification
    this.button = $('notify-toggle');
    this.button.addEventListener('click', () => this.enable());
    this.render();
  }

  get supported() {
    return typeof Notification !== 'undefined';
  }

  get enabled() {
    return this.supported && Notification.permission === 'granted';
  }

  async enable() {
    if (!this.supported || this.enabled) return;
    await Notification.requestPermission();
    this.render();
  }

  // The button shows only while notifications could be turned on.
  render() {
    show(this.button, this.supported && Notification.permission === 'default');
  }

  // A new message in ch (the app's ChannelState), from someone else:
  // notified when it is a conversation's or mentions this user.
  consider(ch, message, mentionsMe = false) {
    if (!this.enabled || document.visibilityState === 'visible' || ch.muted) return;
    if (!ch.isConversation && !mentionsMe) return;
    const now = Date.now();
    if (now - (this.last.get(ch.id) || 0) < QUIET_MS) return;
    this.last.set(ch.id, now);
    const summary = messageSummary(message); // the text, or what it shares
    const text = summary.length > BODY_CHARS ? `${summary.slice(0, BODY_CHARS)}…` : summary;
    let title = message.user_name;
    if (ch.kind === 'group') title = `${message.user_name} in ${ch.name}`;
    if (!ch.isConversation) title = `${message.user_name} in #${ch.name}`;
    const notification = new Notification(title, { body: text, tag: ch.id });
    notification.onclick = () => {
      window.focus();
      this.open(ch.id);
      notification.close();
    };
  }
}
