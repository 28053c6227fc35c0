// Files shared in messages, the DOM-free part: sizes as people read them,
// which files a paste or a drop carries, how big a thumbnail is drawn, a
// file's kind (its icon), and Attachments, the state of the files attached
// to the message being written (uploading, uploaded, failed, being sent).
// Unit-tested under Node (tests/web/files_test.mjs); the DOM side is
// attachments.js (the composer) and files-view.js (files in messages).

export const MAX_FILES_PER_MESSAGE = 10; // the server's limit too (docs/files.md)
export const THUMBNAIL_BOX = 400; // the server's thumbnails fit in 400 × 400

const UNITS = ['KB', 'MB', 'GB', 'TB'];
let nextKey = 1; // attachment keys, unique across channels

// 0 → "0 bytes", 1 → "1 byte", 1536 → "1.5 KB", 2621440 → "2.5 MB" (powers of 1024,
// one decimal below 10, none above; "1,023 bytes" never becomes "1.0 KB").
export function humanSize(bytes) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // Rounding may reach the next unit (1023.96 KB reads "1 MB", not "1024 KB").
  let shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  if (shown >= 1024 && unit < UNITS.length - 1) {
    shown = 1;
    unit++;
  }
  return `${shown} ${UNITS[unit]}`;
}

// The drawn size of a width × height picture that fits in box × box, never
// enlarged; whole pixels, at least 1. Null without a usable size.
export function fitThumbnail(width, height, box = THUMBNAIL_BOX) {
  const w = Number(width);
  const h = Number(height);
  if (!(w > 0) || !(h > 0)) return null;
  const scale = Math.min(1, box / w, box / h);
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
}

const IMAGE_EXTENSIONS = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

// A pasted image's name: a screenshot comes as "image.png" (or nameless);
// it is shared as "pasted image.png". A copied file keeps its own name.
export function pastedName(file) {
  const name = file.name || '';
  const type = file.type || '';
  if (!type.startsWith('image/') || (name && !/^image\.\w+$/i.test(name))) return name || 'pasted file';
  const ext = IMAGE_EXTENSIONS[type] || (name.includes('.') ? name.split('.').pop().toLowerCase() : type.slice(6));
  return `pasted image.${ext}`;
}

// The files a paste carries ([{file, name}]), or [] when it is text: a
// paste with plain text (copied from a document, which may carry a picture
// of the text too) pastes the text. clipboardData is a DataTransfer.
export function filesFromPaste(clipboardData) {
  if (!clipboardData) return [];
  const types = Array.from(clipboardData.types || []);
  if (types.includes('text/plain')) return [];
  let files = Array.from(clipboardData.files || []);
  if (!files.length) {
    // Some browsers list a pasted picture only among the items.
    files = Array.from(clipboardData.items || [])
      .filter((item) => item.kind === 'file')
      .map((item) => item.getAsFile())
      .filter(Boolean);
  }
  return files.map((file) => ({ file, name: pastedName(file) }));
}

// Whether a drag carries files (not text or a link dragged about the page).
export function dragHasFiles(dataTransfer) {
  return Boolean(dataTransfer) && Array.from(dataTransfer.types || []).includes('Files');
}

// The files a drop carries ([{file, name}]); folders (no type, size a
// multiple of 4096 on some systems) cannot be told apart here and are left
// to fail on reading, as an upload error on their chip.
export function filesFromDrop(dataTransfer) {
  if (!dragHasFiles(dataTransfer)) return [];
  return Array.from(dataTransfer.files || []).map((file) => ({ file, name: file.name || 'file' }));
}

// What a file is, for its icon and its words: image, video, audio, pdf, archive, text or other.
export function fileKind(type = '', name = '') {
  const t = String(type).toLowerCase();
  const ext = String(name).toLowerCase().split('.').pop();
  if (t.startsWith('image/')) return 'image';
  if (t.startsWith('video/')) return 'video';
  if (t.startsWith('audio/')) return 'audio';
  if (t === 'application/pdf') return 'pdf';
  if (/zip|gzip|x-tar|x-7z|x-rar|compressed/.test(t)) return 'archive';
  if (t.startsWith('text/') || t === 'application/json') return 'text';
  if (['zip', 'gz', 'tgz', 'tar', '7z', 'rar', 'xz', 'bz2'].includes(ext)) return 'archive';
  return 'other';
}

const KIND_BADGES = { image: 'IMG', video: 'VID', audio: 'AUD', pdf: 'PDF', archive: 'ZIP', text: 'TXT', other: 'FILE' };

// The few letters on a file's icon (a tile coloured by its kind): its
// extension ("HTML", "CSV"), else its kind's ("TXT", "FILE"). No emoji: not
// every system has a font for them.
export function fileBadge(type = '', name = '') {
  const ext = /\.([a-z0-9]{1,4})$/i.exec(String(name));
  return ext ? ext[1].toUpperCase() : KIND_BADGES[fileKind(type, name)];
}

// A type as people read it: "text/plain; charset=utf-8" → "text/plain".
export function shortType(type = '') {
  return String(type).split(';')[0].trim() || 'file';
}

// A message in one line (the screen reader's announcement, a notification):
// its text, or what it shares.
export function messageSummary(message) {
  const text = message.text || '';
  if (text) return text;
  const files = message.files || [];
  if (files.length === 1) return `shared ${files[0].name}`;
  if (files.length > 1) return `shared ${files.length} files`;
  return '';
}

// An upload's error for its chip: the server's words (413: the limit), or why it did not arrive.
export function uploadErrorText(err) {
  if (!err) return 'Upload failed.';
  if (err.status === 0) return 'Upload failed: cannot reach the server.';
  return err.message || 'Upload failed.';
}

// Whether trying the same upload again may work (a lost connection, a server error; not 413 or 403).
export function retryableUpload(err) {
  return Boolean(err) && (err.status === 0 || err.status >= 500 || err.status === 429);
}

// The files attached to one channel's message being written. Each item:
// {key, name, size, type, status: 'uploading' | 'done' | 'failed', loaded,
// error, retryable, file (the server's, once uploaded), sending (the client
// message id of the send that carries it, until the server has it)}.
export class Attachments {
  constructor(limit = MAX_FILES_PER_MESSAGE) {
    this.limit = limit;
    this.items = [];
  }

  // The items of the message being written (not those of a send in flight).
  get draft() {
    return this.items.filter((item) => !item.sending);
  }

  get(key) {
    return this.items.find((item) => item.key === key);
  }

  // Adds files ([{name, size, type}]) up to the limit. Returns {added: [items], refused: count}.
  add(files) {
    const room = Math.max(0, this.limit - this.draft.length);
    const added = files.slice(0, room).map((f) => ({
      key: `a${nextKey++}`,
      name: f.name,
      size: Number(f.size) || 0,
      type: f.type || '',
      status: 'uploading',
      loaded: 0,
      error: '',
      retryable: false,
      file: null,
      sending: '',
    }));
    this.items.push(...added);
    return { added, refused: files.length - added.length };
  }

  // Upload progress, 0..1 (a total of 0 bytes counts as done).
  fraction(item) {
    if (item.status === 'done') return 1;
    return item.size > 0 ? Math.min(1, item.loaded / item.size) : 0;
  }

  progress(key, loaded) {
    const item = this.get(key);
    if (item && item.status === 'uploading') item.loaded = loaded;
    return item;
  }

  uploaded(key, file) {
    const item = this.get(key);
    if (!item) return null; // removed meanwhile
    Object.assign(item, { status: 'done', file, loaded: item.size, error: '', retryable: false });
    return item;
  }

  failed(key, error, retryable = false) {
    const item = this.get(key);
    if (!item) return null;
    Object.assign(item, { status: 'failed', error, retryable });
    return item;
  }

  // Uploading again (after a retryable failure).
  restart(key) {
    const item = this.get(key);
    if (!item) return null;
    Object.assign(item, { status: 'uploading', loaded: 0, error: '', retryable: false });
    return item;
  }

  remove(key) {
    const item = this.get(key);
    if (!item || item.sending) return null;
    this.items = this.items.filter((i) => i !== item);
    return item;
  }

  // What the message being written may do: {count, uploading, failed, ready}.
  summary() {
    const draft = this.draft;
    return {
      count: draft.length,
      uploading: draft.filter((i) => i.status === 'uploading').length,
      failed: draft.filter((i) => i.status === 'failed').length,
      ready: draft.filter((i) => i.status === 'done').length,
    };
  }

  // Why the message cannot be sent yet, or '' when it can (text alone needs no files).
  blocker() {
    const { uploading, failed } = this.summary();
    if (uploading) return uploading === 1 ? 'Wait for the file to finish uploading.' : 'Wait for the files to finish uploading.';
    if (failed) return 'Remove the file that could not be uploaded (✕) first.';
    return '';
  }

  // The uploaded files of the message being written, now carried by the
  // send clientMessageId: [server file]. Their chips stay until sent().
  take(clientMessageId) {
    const ready = this.draft.filter((i) => i.status === 'done');
    for (const item of ready) item.sending = clientMessageId;
    return ready.map((i) => i.file);
  }

  // The server has the message: its files are shared; their chips go.
  sent(clientMessageId) {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.sending !== clientMessageId);
    return before !== this.items.length;
  }

  // The send was given up (discarded): its files are the draft's again.
  returned(clientMessageId) {
    let changed = false;
    for (const item of this.items) {
      if (item.sending === clientMessageId) {
        item.sending = '';
        changed = true;
      }
    }
    return changed;
  }
}
