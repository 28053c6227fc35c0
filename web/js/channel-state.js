// What the page knows about one channel, and how the server's JSON for
// channels and events maps onto it.

import { MessageLog } from './message-log.js';

export class ChannelState {
  constructor(id, name) {
    this.id = id;
    this.name = name;
    this.private = false;
    this.member = true;
    this.unread = 0;
    this.info = null; // the channel as GET /api/channels/{id} returned it
    this.log = new MessageLog();
    this.loading = null; // the newest page, while it is being fetched
    this.readId = ''; // the newest id we told the server we read
    this.lastRead = ''; // the server's read marker as last listed (where "New messages" starts)
    this.counted = new Set(); // ids counted as unread while the log is not loaded
    this.kind = 'channel'; // 'channel', or a conversation: 'dm' or 'group'
    this.participants = []; // conversations: [{user_id, user_name}]
    this.lastActivity = 0; // ms of the newest message known (orders conversations)
    this.deletedReplies = new Set(); // thread replies seen deleted (each uncounted once)
    this.muted = false; // no notifications from it (PUT /api/channels/{id}/mute)
    this.mentions = 0; // unread messages that mention this user
  }

  get isConversation() {
    return this.kind === 'dm' || this.kind === 'group';
  }

  // What to follow it with on the live connection: resume where the loaded
  // log ends; a channel not loaded yet, or read around an older message (its
  // newer messages come with the log's own pages), only needs live events.
  subscription() {
    return this.log.loaded && !this.log.detached ? { id: this.id, after: this.log.newestId } : { id: this.id };
  }

  // Takes what a channel object ({kind, participants, last_message_at_ms, ...}) says.
  absorb(info, meId) {
    if (info.kind) this.kind = info.kind;
    if (Array.isArray(info.participants)) this.participants = info.participants;
    if (info.private !== undefined) this.private = Boolean(info.private);
    if (info.last_message_at_ms > this.lastActivity) this.lastActivity = info.last_message_at_ms;
    const name = this.isConversation ? conversationName(this.participants, meId) : info.name;
    if (name) this.name = name;
  }
}

// What a conversation is called for one of its people: the others' names,
// or their own in a conversation with themselves.
export function conversationName(participants, meId) {
  const others = participants.filter((p) => p.user_id !== meId).map((p) => p.user_name);
  const names = others.length ? others : participants.map((p) => p.user_name);
  return names.sort((a, b) => a.localeCompare(b)).join(', ');
}

// One entry of GET /api/me/channels ({channel_id, channel_name, joined_at,
// unread, kind, private, last_message_at_ms, participants}).
export function membershipOf(raw) {
  return {
    id: String(raw.channel_id ?? raw.id),
    name: raw.channel_name ?? raw.name ?? '',
    private: raw.private,
    kind: raw.kind,
    participants: raw.participants,
    last_message_at_ms: raw.last_message_at_ms,
    unread: typeof raw.unread === 'number' ? raw.unread : undefined,
    last_read: raw.last_read,
    muted: raw.muted,
    mentions: raw.mentions,
  };
}

// Events name their channel by id in "channel".
export function eventChannelId(event) {
  if (typeof event.channel === 'string') return event.channel;
  return String(event.channel_id ?? event.message?.channel_id ?? '');
}

// How a channel is named in titles and the composer: "#general", "🔒 secret"
// (heading) or "#secret", and a conversation by its people.
export function channelLabel(ch, { heading = false } = {}) {
  if (ch.isConversation) return ch.name;
  return heading && ch.private ? `🔒 ${ch.name}` : `#${ch.name}`;
}
