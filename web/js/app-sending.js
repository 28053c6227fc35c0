// App's sending, editing and deleting (see main.js): a message (with the
// files attached) through the outbox, retrying or discarding one that was
// not sent, and edits, deletions and reactions over REST. App's own methods,
// in their own file; `this` is the App.

import { api } from './api.js';
import { newClientMessageId } from './outbox.js';

export const sendingMethods = {
  send(text, mentions) {
    const ch = this.channels.get(this.activeId);
    if (!ch || !ch.member) return;
    if (ch.log.detached) this.jumpToPresent(); // what one writes goes below the newest
    // The uploaded files attached go with it; their chips stay until the server has it.
    const clientMessageId = newClientMessageId();
    const files = this.attachments.take(ch.id, clientMessageId);
    this.outbox.send(ch, text, mentions, { files, clientMessageId });
  },

  retry(clientMessageId) {
    const ch = this.channels.get(this.activeId);
    if (ch) this.outbox.retry(ch, clientMessageId);
  },

  discard(clientMessageId) {
    const ch = this.channels.get(this.activeId);
    if (!ch) return;
    ch.log.pending.delete(clientMessageId);
    this.view.removePending(clientMessageId);
    this.attachments.returned(ch.id, clientMessageId); // not sent: attached again
  },

  async edit(id, text) {
    const ch = this.channels.get(this.activeId);
    const result = await api.edit(ch.id, id, text);
    if (result && result.message) this.ingest(ch, result.message, 'message.edited');
  },

  async remove(id) {
    const ch = this.channels.get(this.activeId);
    const result = await api.remove(ch.id, id);
    this.ingest(ch, (result && result.message) || { id }, 'message.deleted');
  },

  async react(id, emoji, on) {
    const ch = this.channels.get(this.activeId);
    const result = await api.react(ch.id, id, emoji, on);
    if (result && result.message) this.ingestReactions(ch, result.message);
  },
};
