// MessageLog: one channel's messages as the page holds them.
//
// Confirmed messages form one contiguous window of the channel's history in
// the server's order (message ids sort in send order), grown at the old end by
// history pages and at the new end by live events and catch-up replays. The
// same message may arrive several times (REST page, replay, live event, ack):
// put() keeps one copy, the most recent version of it. Messages being sent
// wait in `pending` under their client message id until confirmed.
//
// The window normally reaches the present. Opened around an older message
// (a search hit, ?around=), it stops short of it: `newerAfter` holds where
// the newer messages resume (pass as ?after=), and live messages beyond the
// window are left out until it reaches the present again, so that no gap is
// ever shown as if nothing had been said in between.
//
// No DOM here, so it is unit-tested under Node.

export function compareIds(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// First index whose id is greater than id (ids is ascending, without id).
function insertionPoint(ids, id) {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIds(ids[mid], id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Whether `incoming` is a later version of the same message than `known`.
// Deletion is final; otherwise the later edit wins.
function supersedes(incoming, known) {
  if (known.deleted) return false;
  if (incoming.deleted) return true;
  return (incoming.edited_at_ms || 0) > (known.edited_at_ms || 0);
}

function sameReactions(a, b) {
  return JSON.stringify(a.reactions || []) === JSON.stringify(b.reactions || []);
}

const THREAD_FIELDS = ['reply_count', 'last_reply_at_ms', 'last_reply_id'];

function sameThread(a, b) {
  return THREAD_FIELDS.every((field) => (a[field] || 0) === (b[field] || 0));
}

function threadOf(message) {
  const fields = {};
  for (const field of THREAD_FIELDS) if (message[field] !== undefined) fields[field] = message[field];
  return fields;
}

export class MessageLog {
  constructor() {
    this.byId = new Map();
    this.ids = []; // ascending
    this.olderCursor = ''; // next history page, '' once reachedStart
    this.reachedStart = false;
    this.loaded = false; // the newest page (or the page around a message) has been fetched
    this.newerAfter = ''; // non-empty: the window stops short of the present; the newer messages follow this id
    this.pending = new Map(); // client_message_id -> {clientMessageId, text, status, error}
  }

  get size() {
    return this.ids.length;
  }

  get newestId() {
    return this.ids.length ? this.ids[this.ids.length - 1] : '';
  }

  get oldestId() {
    return this.ids.length ? this.ids[0] : '';
  }

  get(id) {
    return this.byId.get(id);
  }

  // Whether the window stops short of the present (history around an older message).
  get detached() {
    return this.newerAfter !== '';
  }

  // Whether a message with this id would fall past the newest end of a
  // detached window (a live message while reading older history).
  isBeyond(id) {
    return this.detached && (!this.ids.length || compareIds(id, this.newestId) > 0) && !this.byId.has(id);
  }

  at(index) {
    return this.byId.get(this.ids[index]);
  }

  indexOf(id) {
    const i = insertionPoint(this.ids, id);
    return this.ids[i] === id ? i : -1;
  }

  // Adds or updates one message. Returns {id, change, index, settled}: change
  // is 'added', 'updated' or 'none'; index is where the message is now (later
  // puts may move it); settled is the client message id of a pending send
  // this message confirms, if any. A live event older than the loaded
  // window is left for history paging (fromHistory pages always go in).
  put(message, { fromHistory = false } = {}) {
    const settled = this.settle(message);
    const known = this.byId.get(message.id);
    if (known) {
      if (!supersedes(message, known)) {
        // A fresh read of the same version still carries the current
        // reactions (they may have changed while we were disconnected).
        // So do its thread's counts.
        if (fromHistory && (!sameReactions(known, message) || !sameThread(known, message))) {
          const reactions = known.deleted ? known.reactions : message.reactions || [];
          this.byId.set(message.id, { ...known, reactions, ...threadOf(message) });
          return { id: message.id, change: 'updated', index: this.indexOf(message.id), settled };
        }
        return { id: message.id, change: 'none', index: this.indexOf(message.id), settled };
      }
      this.byId.set(message.id, message);
      return { id: message.id, change: 'updated', index: this.indexOf(message.id), settled };
    }
    if (!fromHistory && this.ids.length && !this.reachedStart && compareIds(message.id, this.ids[0]) < 0) {
      return { id: message.id, change: 'none', index: -1, settled };
    }
    // Past the end of a detached window: it comes with the newer pages.
    if (!fromHistory && this.isBeyond(message.id)) return { id: message.id, change: 'none', index: -1, settled };
    const index = insertionPoint(this.ids, message.id);
    this.ids.splice(index, 0, message.id);
    this.byId.set(message.id, message);
    return { id: message.id, change: 'added', index, settled };
  }

  // A message's reactions changed (the message.reactions event, or the
  // answer to this user's own reaction). Reactions are not versioned like
  // edits: the latest copy to arrive wins. Returns a put()-shaped result.
  putReactions(message) {
    const known = this.byId.get(message.id);
    if (!known || known.deleted) return { id: message.id, change: 'none', index: -1, settled: '' };
    const reactions = message.reactions || [];
    if (sameReactions(known, message)) {
      return { id: message.id, change: 'none', index: this.indexOf(message.id), settled: '' };
    }
    this.byId.set(message.id, { ...known, reactions });
    return { id: message.id, change: 'updated', index: this.indexOf(message.id), settled: '' };
  }

  // A root's thread counts changed (a reply came or went); fields as the server names them.
  putThread(id, fields) {
    const known = this.byId.get(id);
    if (!known || sameThread(known, { ...known, ...fields })) return { id, change: 'none', index: -1, settled: '' };
    this.byId.set(id, { ...known, ...fields });
    return { id, change: 'updated', index: this.indexOf(id), settled: '' };
  }

  // Records one history page (newest first, as the server sends it).
  putHistoryPage(messages, nextCursor) {
    const results = [];
    for (const message of messages) results.push(this.put(message, { fromHistory: true }));
    this.loaded = true;
    this.olderCursor = nextCursor || '';
    this.reachedStart = !nextCursor;
    return results;
  }

  // Records the page around one message (newest first, as the server sends
  // it): nextCursor pages further back as usual; newerAfter (null when the
  // page reaches the present) is where the newer messages resume.
  putAroundPage(messages, nextCursor, newerAfter) {
    const results = this.putHistoryPage(messages, nextCursor);
    this.newerAfter = newerAfter || '';
    return results;
  }

  // Records a page of newer messages (?after=newerAfter: oldest first).
  // nextCursor (null at the present) is where the next newer page resumes.
  // Thread replies not sent to the channel come too and are left out.
  putNewerPage(messages, nextCursor) {
    const results = [];
    for (const message of messages) {
      if (message.thread_root && !message.also_in_channel) continue;
      results.push(this.put(message, { fromHistory: true }));
    }
    this.newerAfter = nextCursor || '';
    return results;
  }

  // Merges a fresh copy of part of the history (say, the newest page again
  // after a reconnect) without touching the paging position. Messages newer
  // than the log are added: the caller has subscribed from the log's newest id,
  // so the replay fills any gap below them.
  merge(messages) {
    return messages.map((message) => this.put(message, { fromHistory: true }));
  }

  addPending(clientMessageId, text) {
    const entry = { clientMessageId, text, status: 'sending', error: '' };
    this.pending.set(clientMessageId, entry);
    return entry;
  }

  settle(message) {
    const id = message.client_message_id;
    if (id && this.pending.has(id)) {
      this.pending.delete(id);
      return id;
    }
    return '';
  }
}
