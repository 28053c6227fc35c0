// Outbox: messages the user typed until the server has them. Each gets a
// client message id, shows at once as pending, and goes over the socket when
// it is open, else (or if the socket drops mid-send) over REST. The server
// keeps one message per client message id, so sending again is always safe.
// A send that fails for want of a connection is queued and goes again when
// the connection is back; one that fails for another reason is marked
// failed with the reason and retried on request.

import { ApiError } from './api.js';

export function newClientMessageId() {
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function describeError(err) {
  if (err instanceof ApiError && err.status === 0) return 'no connection';
  return err.message || 'failed';
}

function isTransient(err) {
  return (
    err.code === 'disconnected' ||
    err.code === 'timeout' ||
    err.code === 'unavailable' ||
    (err instanceof ApiError && (err.status === 0 || err.status >= 500))
  );
}

export class Outbox {
  // send(channelId, text, cmid, mentions, fileIds) -> Promise<{message}> over REST;
  // realtime() -> the Realtime or null;
  // onChanged(ch, entry): an entry was added or changed state;
  // onConfirmed(ch, entry, message): the server has it;
  // onUnauthorized(): the session is gone.
  constructor({ send, realtime, onChanged, onConfirmed, onUnauthorized }) {
    this.restSend = send;
    this.realtime = realtime;
    this.onChanged = onChanged;
    this.onConfirmed = onConfirmed;
    this.onUnauthorized = onUnauthorized;
  }

  // mentions: user ids, or EVERYONE's for "@channel" (mention-picker.js);
  // files: the uploaded files it shares (the server's {id, name, ...});
  // clientMessageId: chosen by the caller (to know the send by), else new.
  send(ch, text, mentions = [], { files = [], clientMessageId = newClientMessageId() } = {}) {
    const entry = ch.log.addPending(clientMessageId, text);
    entry.mentions = mentions;
    entry.files = files;
    this.deliver(ch, entry);
    return entry;
  }

  async deliver(ch, entry) {
    entry.status = 'sending';
    entry.error = '';
    entry.transient = false;
    this.onChanged(ch, entry);
    let result;
    const fileIds = (entry.files || []).map((file) => file.id);
    try {
      const realtime = this.realtime();
      try {
        if (!realtime || !realtime.isOpen) throw Object.assign(new Error('Not connected.'), { code: 'disconnected' });
        result = await realtime.send(ch.id, entry.text, entry.clientMessageId, entry.mentions || [], fileIds);
      } catch (err) {
        if (err.code !== 'disconnected' && err.code !== 'timeout') throw err;
        result = await this.restSend(ch.id, entry.text, entry.clientMessageId, entry.mentions || [], fileIds);
      }
    } catch (err) {
      if (!ch.log.pending.has(entry.clientMessageId)) {
        // Confirmed by an event meanwhile (or discarded, which the app has handled).
        this.onConfirmed(ch, entry, null);
        return;
      }
      entry.error = describeError(err);
      entry.transient = isTransient(err);
      // Without a connection it is not a failure: it goes when the connection is back.
      entry.status = entry.transient ? 'queued' : 'failed';
      this.onChanged(ch, entry);
      if (err instanceof ApiError && err.status === 401) this.onUnauthorized();
      return;
    }
    this.onConfirmed(ch, entry, result && result.message);
  }

  // Sends that failed for want of a connection go again.
  redeliver(channels) {
    for (const ch of channels) {
      for (const entry of ch.log.pending.values()) {
        if (entry.status === 'queued') this.deliver(ch, entry);
      }
    }
  }

  retry(ch, clientMessageId) {
    const entry = ch.log.pending.get(clientMessageId);
    if (entry) this.deliver(ch, entry);
  }
}
