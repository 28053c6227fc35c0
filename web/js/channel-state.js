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
    this.counted = new Set(); // ids counted as unread while the log is not loaded
  }
}

// One entry of GET /api/me/channels ({channel_id, channel_name, joined_at, unread}).
export function membershipOf(raw) {
  return {
    id: String(raw.channel_id ?? raw.id),
    name: raw.channel_name ?? raw.name ?? '',
    private: raw.private,
    unread: typeof raw.unread === 'number' ? raw.unread : undefined,
  };
}

// Events name their channel by id in "channel".
export function eventChannelId(event) {
  if (typeof event.channel === 'string') return event.channel;
  return String(event.channel_id ?? event.message?.channel_id ?? '');
}
