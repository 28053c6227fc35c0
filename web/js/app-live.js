// App's live side (see main.js): the connection's state, and every server
// event (messages, thread replies, reactions, members, channels, presence)
// applied to what the page knows and shows. These are App's own methods, in
// their own file; `this` is the App.

import { MessageLog } from './message-log.js';
import { eventChannelId, channelLabel } from './channel-state.js';
import { $, show } from './dom.js';
import { mentionsMe } from './message-text.js';

const COUNTED_IDS_KEPT = 500; // ids remembered per channel for unread counting

const CONNECTION_LABELS = {
  connecting: 'Connecting…',
  open: 'Connected',
  waiting: 'Reconnecting…',
  offline: 'Offline',
  stopped: 'Disconnected',
};

export const liveMethods = {
  onConnection({ state, failures, retryInMs }) {
    this.showRetry(state === 'waiting' ? Date.now() + retryInMs : 0);
    const indicator = $('connection');
    indicator.dataset.state = state;
    // Retrying reads as one steady "Reconnecting…" (it is a live region: no chatter).
    const label = state === 'connecting' && this.everOpen ? CONNECTION_LABELS.waiting : CONNECTION_LABELS[state] || state;
    if (indicator.textContent !== label) indicator.textContent = label;
    if (state === 'open') {
      if (this.everOpen) this.resync();
      this.everOpen = true;
      this.outbox.redeliver(this.channels.values());
    } else if (state === 'waiting' && failures >= 2) {
      // A socket that keeps failing to open may mean the session expired.
      this.checkSession();
    }
  },

  // While waiting to reconnect: "in 5 s" counting down, and a way not to wait.
  showRetry(at) {
    clearInterval(this.retryCountdown);
    show($('reconnect'), Boolean(at));
    if (!at) return;
    const tick = () => {
      const seconds = Math.max(0, Math.ceil((at - Date.now()) / 1000));
      $('reconnect-countdown').textContent = seconds ? `in ${seconds} s` : 'now';
    };
    tick();
    this.retryCountdown = setInterval(tick, 1000);
  },

  // The socket closed with 4003, or keeps failing: still signed in? (app-account.js)
  checkSession() {
    this.refreshMe();
  },

  restartLog(ch) {
    const pending = ch.log.pending;
    ch.log = new MessageLog();
    ch.log.pending = pending;
    if (ch.id === this.activeId) {
      this.view.show(ch.log, this.me, channelLabel(ch), ch.isConversation ? 'conversation' : 'channel');
      this.loadNewest(ch);
    }
  },

  // After a reconnect the replay restores messages; badges, names and counts
  // are refreshed once the replay has had a moment to arrive.
  resync() {
    clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => {
      this.loadMyChannels().catch(() => {});
      const ch = this.channels.get(this.activeId);
      if (ch) {
        this.refreshInfo(ch).catch(() => {});
        if (this.members.isOpen) this.members.reset(ch.id);
        // The replay brings new messages; edits and deletions of older ones
        // made while away come with a fresh newest page.
        if (ch.log.loaded) this.refreshNewest(ch).catch(() => {});
        this.thread.refresh();
      }
    }, 1000);
  },

  onEvent(event) {
    const ch = this.channels.get(eventChannelId(event));
    if (event.type === 'error') {
      if (event.code === 'unauthenticated') this.checkSession();
      else console.warn('townhall:', event.code, event.message);
      return;
    }
    if (event.type === 'ready' || event.type === 'user.updated') {
      if (event.user) this.updateMe(event.user); // the role as the server has it now
      if (event.type === 'user.updated') return;
      this.presence.ready(); // a new socket: whom to watch, and whether this user is away
      return;
    }
    if (event.type === 'presence') {
      this.presence.heard(event.users);
      return;
    }
    if (event.type === 'channel.added') {
      // Someone made a conversation with this user, or added them to a private channel.
      if (event.info) this.adopt(event.info);
      return;
    }
    if (event.type === 'subscribed') {
      // More was missed than the server replays: start the channel afresh.
      if (ch && event.complete === false) this.restartLog(ch);
      return;
    }
    if (!ch || (!ch.member && ch.id !== this.activeId)) return;
    switch (event.type) {
      case 'message.created':
      case 'message.edited':
      case 'message.deleted':
        if (event.message) this.ingest(ch, event.message, event.type);
        break;
      case 'message.reactions':
        if (event.message) this.ingestReactions(ch, event.message);
        break;
      case 'member.joined':
      case 'member.left':
        this.onMember(ch, event);
        break;
      case 'channel.updated':
        if (event.info) this.onChannelUpdated(ch, event.info);
        break;
      case 'typing':
        if (event.member) this.typing.heard(ch.id, event.member);
        break;
      default:
        break;
    }
  },

  // Every copy of a message (event, ack, REST reply) comes through here.
  ingest(ch, incoming, kind) {
    if (kind === 'message.created') this.typing.stopped(ch.id, incoming.user_id); // their message is here
    if (ch.id === this.activeId) this.thread.put(kind === 'message.deleted' ? { ...incoming, deleted: true, text: '' } : incoming);
    if (incoming.thread_root) {
      this.countReply(ch, incoming, kind);
      if (!incoming.also_in_channel) return; // lives in its thread only
    }
    const known = ch.log.get(incoming.id);
    let message = known && kind !== 'message.created' ? { ...known, ...incoming } : incoming;
    if (kind === 'message.deleted') message = { ...message, deleted: true, text: '' };
    const active = ch.id === this.activeId;
    const mine = message.user_id === this.me.id;
    let fresh;
    let newlyDeleted;
    // Reading older history (a search hit): a new message is not shown below
    // it, but counted, and the "Jump to latest" bar says so.
    const beyond = kind === 'message.created' && ch.log.isBeyond(message.id);
    if (beyond) {
      fresh = !message.deleted && !ch.counted.has(message.id);
      if (fresh) {
        if (ch.counted.size > COUNTED_IDS_KEPT) ch.counted.clear();
        ch.counted.add(message.id);
      }
      newlyDeleted = false;
      if (active && fresh && !mine) this.view.noteNewer();
    } else if (ch.log.loaded || ch.loading) {
      const result = ch.log.put(message);
      if (active) this.view.apply([result], { live: kind === 'message.created' });
      fresh = result.change === 'added' && !message.deleted;
      newlyDeleted = message.deleted && (result.change === 'updated' || (result.index < 0 && kind === 'message.deleted'));
    } else {
      fresh = kind === 'message.created' && !ch.counted.has(message.id);
      if (fresh) {
        if (ch.counted.size > COUNTED_IDS_KEPT) ch.counted.clear();
        ch.counted.add(message.id);
      }
      newlyDeleted = kind === 'message.deleted';
    }
    if (fresh && message.created_at_ms > ch.lastActivity) {
      ch.lastActivity = message.created_at_ms;
      if (ch.isConversation) this.renderSidebar(); // conversations are ordered by it
    }
    if (ch.info && (fresh || newlyDeleted)) {
      ch.info.message_count = Math.max(0, (ch.info.message_count || 0) + (fresh ? 1 : -1));
      if (active) this.renderHeader(ch);
    }
    if (fresh && !mine && kind === 'message.created') {
      const forMe = mentionsMe(message, this.me.id);
      this.notifier.consider(ch, message, forMe);
      if (active && !beyond) this.scheduleRead();
      else {
        ch.unread++;
        if (forMe) ch.mentions++;
        this.renderSidebar();
      }
    }
  },

  // Keeps a root's reply count and latest reply right as replies come and go.
  // A reply is counted when it is newer than the root's last_reply_id (so a
  // replayed one the root already counted is not counted twice).
  countReply(ch, reply, kind) {
    const root = ch.log.get(reply.thread_root);
    if (!root) return;
    let fields = null;
    if (kind === 'message.created' && reply.id > (root.last_reply_id || '')) {
      fields = { reply_count: (root.reply_count || 0) + 1, last_reply_at_ms: reply.created_at_ms, last_reply_id: reply.id };
    } else if (kind === 'message.deleted' && !ch.deletedReplies.has(reply.id)) {
      ch.deletedReplies.add(reply.id);
      fields = { reply_count: Math.max(0, (root.reply_count || 0) - 1) };
    }
    if (!fields) return;
    const result = ch.log.putThread(root.id, fields);
    if (ch.id === this.activeId) this.view.apply([result]);
  },

  ingestReactions(ch, message) {
    if (ch.id === this.activeId) this.thread.put(message);
    const result = ch.log.putReactions(message);
    if (ch.id === this.activeId && result.change === 'updated') this.view.apply([result], { live: false });
  },

  onMember(ch, event) {
    const member = event.member || {};
    const joined = event.type === 'member.joined';
    if (member.user_id === this.me.id) {
      // This user joined or left in another tab.
      this.loadMyChannels().catch(() => {});
      return;
    }
    if (ch.info) {
      ch.info.user_count = Math.max(0, (ch.info.user_count || 0) + (joined ? 1 : -1));
      if (typeof event.user_count === 'number') ch.info.user_count = event.user_count;
    }
    if (ch.id === this.activeId) {
      this.renderHeader(ch);
      if (joined) this.members.add(member);
      else this.members.remove(member.user_id);
    }
  },

  onChannelUpdated(ch, channel) {
    this.replaceInfo(ch, channel); // app-moderation.js: archived_at may be gone
    ch.absorb(channel, this.me.id);
    if (ch.id === this.activeId) {
      this.renderHeader(ch);
      this.view.setChannelName(channelLabel(ch));
    }
    this.renderSidebar();
  },
};
