// AttachmentTray: files attached to the message being written. They come by
// the paperclip button (a hidden file input), by a drop on the conversation
// (a drop target shows while files are dragged over it) and by a paste into
// the composer (a screenshot). Each is shown as a chip above the composer and
// uploads at once, with a progress bar; a failed upload says why on its chip
// (the server's words: 413 names the limit). The message goes with the
// uploaded files' ids (App.send takes them); their chips stay, marked
// "Sending…", until the server has it.
//
// Each channel has its own attachments (an upload belongs to its channel);
// switching channels shows the other channel's, uploads go on meanwhile.
// The state is files.js's Attachments; this is its DOM.

import { $, el, clear, show } from './dom.js';
import {
  Attachments,
  MAX_FILES_PER_MESSAGE,
  dragHasFiles,
  fileBadge,
  fileKind,
  filesFromDrop,
  filesFromPaste,
  humanSize,
  retryableUpload,
  uploadErrorText,
} from './files.js';

const PREVIEW_PX = 96; // drawn at 48 CSS pixels, sharp on 2x screens
const PREVIEW_MAX_BYTES = 30 * 1024 * 1024; // not worth decoding beyond this

// A small picture of an image file as a data: URL (the page's CSP allows
// data: images, not blob: ones), or '' when it does not decode here.
async function previewOf(blob) {
  if (typeof createImageBitmap !== 'function' || blob.size > PREVIEW_MAX_BYTES) return '';
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    return '';
  }
  const scale = Math.min(1, PREVIEW_PX / bitmap.width, PREVIEW_PX / bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return canvas.toDataURL('image/png');
}

export class AttachmentTray {
  // upload(channelId, blob, name, onProgress) -> {promise, abort} (api.js uploadFile);
  // canAttach() -> whether the open channel takes files (one is a member);
  // showError(text): a message for the composer ('' clears it);
  // onChange(): the attachments of the open channel changed;
  // onUnauthorized(): the session is gone;
  // keepingBottom(change): runs change, which may resize the message list, keeping its bottom in view.
  constructor({ upload, canAttach, showError, onChange, onUnauthorized, keepingBottom = (change) => change() }) {
    this.upload = upload;
    this.keepingBottom = keepingBottom;
    this.canAttach = canAttach;
    this.showError = showError;
    this.onChange = onChange;
    this.onUnauthorized = onUnauthorized;
    this.channels = new Map(); // channel id -> Attachments
    this.blobs = new Map(); // key -> {blob, abort} while it may be uploaded (again)
    this.channelId = '';
    this.list = $('attachments');
    this.input = $('attach-input');
    this.pane = $('channel-pane');
    this.dropTarget = $('drop-target');

    $('attach-button').addEventListener('click', () => this.input.click());
    this.input.addEventListener('change', () => {
      this.add(Array.from(this.input.files || [], (file) => ({ file, name: file.name || 'file' })));
      this.input.value = ''; // the same file again is a change again
      $('composer-input').focus();
    });
    $('composer-input').addEventListener('paste', (e) => {
      const files = filesFromPaste(e.clipboardData);
      if (!files.length) return;
      e.preventDefault();
      this.add(files);
    });
    this.list.addEventListener('click', (e) => this.chipClick(e));
    this.setUpDrop();
  }

  // --- drag and drop ---

  setUpDrop() {
    const wanted = (e) => dragHasFiles(e.dataTransfer) && this.channelId && this.canAttach();
    // Dragging files over the conversation shows the drop target, which then
    // covers it and takes the drop (or notices the drag leaving).
    this.pane.addEventListener('dragenter', (e) => {
      if (!wanted(e)) return;
      e.preventDefault();
      show(this.dropTarget, true);
    });
    this.dropTarget.addEventListener('dragover', (e) => {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    });
    this.dropTarget.addEventListener('dragleave', (e) => {
      if (e.target === this.dropTarget) show(this.dropTarget, false);
    });
    this.dropTarget.addEventListener('drop', (e) => {
      e.preventDefault();
      show(this.dropTarget, false);
      if (wanted(e)) this.add(filesFromDrop(e.dataTransfer));
    });
    // Files dropped anywhere else are not opened by the browser in place of the chat.
    window.addEventListener('dragover', (e) => {
      if (dragHasFiles(e.dataTransfer) && !this.dropTarget.contains(e.target)) {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'none';
      }
    });
    window.addEventListener('drop', (e) => {
      if (dragHasFiles(e.dataTransfer)) e.preventDefault();
      show(this.dropTarget, false);
    });
    window.addEventListener('dragend', () => show(this.dropTarget, false));
  }

  // --- state ---

  of(channelId) {
    let set = this.channels.get(channelId);
    if (!set) {
      set = new Attachments();
      this.channels.set(channelId, set);
    }
    return set;
  }

  // Shows the open channel's attachments ('' when none is open).
  setChannel(channelId) {
    this.channelId = channelId;
    show(this.dropTarget, false);
    this.render();
  }

  // Attaches files ([{file, name}]) to the open channel's message; each starts uploading.
  add(files) {
    if (!files.length || !this.channelId || !this.canAttach()) return;
    const channelId = this.channelId;
    const set = this.of(channelId);
    const { added, refused } = set.add(files.map(({ file, name }) => ({ name, size: file.size, type: file.type })));
    this.showError(
      refused
        ? `A message can share at most ${MAX_FILES_PER_MESSAGE} files: ${refused === 1 ? '1 file was' : `${refused} files were`} not added.`
        : '',
    );
    added.forEach((item, i) => {
      const blob = files[i].file;
      this.blobs.set(item.key, { blob, abort: null });
      this.start(channelId, item.key);
      if (item.type.startsWith('image/')) {
        previewOf(blob).then((url) => {
          if (!url || !set.get(item.key)) return;
          set.get(item.key).preview = url;
          if (channelId === this.channelId) this.renderItem(set.get(item.key));
        });
      }
    });
    this.render();
  }

  start(channelId, key) {
    const set = this.of(channelId);
    const item = set.get(key);
    const held = this.blobs.get(key);
    if (!item || !held) return;
    const { promise, abort } = this.upload(channelId, held.blob, item.name, (loaded) => {
      set.progress(key, loaded);
      if (channelId === this.channelId) this.updateProgress(item);
    });
    held.abort = abort;
    promise.then(
      (file) => {
        this.blobs.delete(key); // uploaded: the bytes are the server's now
        if (set.uploaded(key, file)) this.changed(channelId, item);
      },
      (err) => {
        if (err.code === 'aborted') return; // removed
        held.abort = null;
        if (set.failed(key, uploadErrorText(err), retryableUpload(err))) this.changed(channelId, item);
        if (err.status === 401) this.onUnauthorized();
      },
    );
  }

  changed(channelId, item) {
    if (channelId !== this.channelId) return;
    this.renderItem(item);
    this.onChange();
  }

  remove(key) {
    const set = this.of(this.channelId);
    if (!set.remove(key)) return;
    const held = this.blobs.get(key);
    this.blobs.delete(key);
    if (held && held.abort) held.abort();
    // An upload that finished stays on the server unshared: its sweep collects it (docs/files.md).
    this.render();
    this.onChange();
  }

  retry(key) {
    const set = this.of(this.channelId);
    if (!set.restart(key)) return;
    this.start(this.channelId, key);
    this.renderItem(set.get(key));
    this.onChange();
  }

  // For the composer: {ready: uploaded files to send, blocker: why it cannot send yet, or ''}.
  state(channelId = this.channelId) {
    const set = this.channels.get(channelId);
    if (!set) return { ready: 0, blocker: '' };
    return { ready: set.summary().ready, blocker: set.blocker() };
  }

  // The uploaded files the send clientMessageId carries (the server's {id, name, ...}).
  take(channelId, clientMessageId) {
    const set = this.channels.get(channelId);
    if (!set) return [];
    const files = set.take(clientMessageId);
    if (files.length && channelId === this.channelId) this.render();
    return files;
  }

  // The server has the message: its chips go.
  sent(channelId, clientMessageId) {
    const set = this.channels.get(channelId);
    if (set && set.sent(clientMessageId) && channelId === this.channelId) {
      this.render();
      this.onChange();
    }
  }

  // The send was discarded: its files are attached again.
  returned(channelId, clientMessageId) {
    const set = this.channels.get(channelId);
    if (set && set.returned(clientMessageId) && channelId === this.channelId) {
      this.render();
      this.onChange();
    }
  }

  // --- rendering ---

  render() {
    const set = this.channelId ? this.channels.get(this.channelId) : null;
    const items = set ? set.items : [];
    this.keepingBottom(() => {
      clear(this.list);
      for (const item of items) this.list.append(this.renderChip(item));
      show(this.list, items.length > 0);
    });
  }

  renderItem(item) {
    const old = this.list.querySelector(`[data-key="${CSS.escape(item.key)}"]`);
    if (!old) return;
    const focused = old.contains(document.activeElement) ? document.activeElement.dataset.action : '';
    const chip = this.renderChip(item);
    this.keepingBottom(() => old.replaceWith(chip)); // a failed chip is taller
    const again = focused && chip.querySelector(`button[data-action="${focused}"]`);
    if (again) again.focus();
    else if (focused) $('composer-input').focus();
  }

  statusOf(item) {
    if (item.sending) return 'sending';
    return item.status;
  }

  renderChip(item) {
    const status = this.statusOf(item);
    const kind = fileKind(item.type, item.name);
    const percent = Math.round(this.of(this.channelId).fraction(item) * 100);
    let words = humanSize(item.size);
    if (status === 'uploading') words += ` · Uploading ${percent}%`;
    if (status === 'sending') words += ' · Sending…';
    const button = (action, label, text) =>
      el('button', { type: 'button', class: 'icon-button attachment__button', dataset: { action }, 'aria-label': label, title: label, text });
    return el(
      'li',
      { class: `attachment attachment--${status}`, dataset: { key: item.key, status } },
      el(
        'span',
        { class: 'attachment__preview', 'aria-hidden': 'true' },
        item.preview
          ? el('img', { src: item.preview, alt: '' })
          : el('span', { class: `file-badge file-badge--${kind}`, text: fileBadge(item.type, item.name) }),
      ),
      el(
        'span',
        { class: 'attachment__text' },
        el('span', { class: 'attachment__name', title: item.name, text: item.name }),
        el('span', { class: 'attachment__meta', text: words }),
        status === 'uploading'
          ? el('progress', { class: 'attachment__progress', max: '100', value: String(percent), 'aria-label': `Uploading ${item.name}` })
          : null,
        status === 'failed' ? el('span', { class: 'attachment__error', role: 'alert', text: item.error }) : null,
      ),
      status === 'failed' && item.retryable ? button('retry', `Upload ${item.name} again`, '↻') : null,
      status === 'sending' ? null : button('remove', `Remove ${item.name}`, '✕'),
    );
  }

  // Progress without re-rendering the chip (it comes many times a second).
  updateProgress(item) {
    const chip = this.list.querySelector(`[data-key="${CSS.escape(item.key)}"]`);
    if (!chip || item.status !== 'uploading') return;
    const percent = Math.round(this.of(this.channelId).fraction(item) * 100);
    const bar = chip.querySelector('progress');
    if (bar) bar.value = percent;
    chip.querySelector('.attachment__meta').textContent = `${humanSize(item.size)} · Uploading ${percent}%`;
  }

  chipClick(e) {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const key = button.closest('li.attachment').dataset.key;
    if (button.dataset.action === 'remove') {
      this.remove(key);
      $('composer-input').focus();
    } else if (button.dataset.action === 'retry') this.retry(key);
  }
}
