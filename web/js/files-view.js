// Files in messages: pictures as thumbnails that open large in a lightbox
// (the #lightbox dialog: Escape, its ✕ or a click beside the picture closes
// it), everything else as a card with an icon, the name, size and type, and
// a download link. Names and types are the server's; they go in as text.

import { $, el } from './dom.js';
import { fileBadge, fileKind, fitThumbnail, humanSize, shortType } from './files.js';

// The files a message shares, or null when it shares none.
export function renderFiles(message) {
  const files = message.files || [];
  if (!files.length || message.deleted) return null;
  return el('div', { class: 'msg__files' }, files.map((file) => (file.thumbnail_url ? thumbnail(file) : card(file))));
}

function thumbnail(file) {
  const size = fitThumbnail(file.width, file.height);
  const img = el('img', {
    class: 'file-thumb__img',
    src: file.thumbnail_url,
    alt: file.name,
    loading: 'lazy',
    decoding: 'async',
    width: size ? String(size.width) : undefined,
    height: size ? String(size.height) : undefined,
  });
  // A link to the picture itself: a new tab with a middle click or Ctrl+click, the lightbox otherwise.
  return el(
    'a',
    {
      class: 'file-thumb',
      href: file.url,
      target: '_blank',
      rel: 'noopener',
      title: `${file.name} (${humanSize(file.size)})`,
      dataset: { fileId: file.id },
      onclick: (e) => {
        if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        openLightbox(file, e.currentTarget);
      },
    },
    img,
  );
}

function card(file) {
  const kind = fileKind(file.type, file.name);
  const size = humanSize(file.size);
  return el(
    'div',
    { class: `file-card file-card--${kind}`, dataset: { fileId: file.id } },
    el('span', { class: `file-badge file-badge--${kind}`, 'aria-hidden': 'true', text: fileBadge(file.type, file.name) }),
    el(
      'span',
      { class: 'file-card__text' },
      el('span', { class: 'file-card__name', title: file.name, text: file.name }),
      el('span', { class: 'file-card__meta', text: `${size} · ${shortType(file.type)}` }),
    ),
    el('a', {
      class: 'button button--tiny file-card__download',
      href: file.url,
      download: file.name,
      'aria-label': `Download ${file.name} (${size})`,
      text: 'Download',
    }),
  );
}

let returnFocus = null;

// The picture large, over the page.
export function openLightbox(file, opener = null) {
  const dialog = $('lightbox');
  const img = $('lightbox-img');
  returnFocus = opener;
  img.removeAttribute('src');
  img.alt = file.name;
  const size = fitThumbnail(file.width, file.height, 100000); // its own size: CSS fits it to the screen
  if (size) {
    img.width = size.width;
    img.height = size.height;
  } else {
    img.removeAttribute('width');
    img.removeAttribute('height');
  }
  img.src = file.url;
  $('lightbox-name').textContent = file.name;
  $('lightbox-meta').textContent = [humanSize(file.size), file.width && file.height ? `${file.width} × ${file.height}` : ''].filter(Boolean).join(' · ');
  const open = $('lightbox-open');
  open.href = file.url;
  const download = $('lightbox-download');
  download.href = file.url;
  download.setAttribute('download', file.name);
  if (!dialog.open) dialog.showModal();
  $('lightbox-close').focus();
}

export function setUpLightbox() {
  const dialog = $('lightbox');
  // A click on the backdrop (the dialog itself, outside its content) closes it.
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog || e.target.id === 'lightbox-img') dialog.close();
  });
  dialog.addEventListener('close', () => {
    $('lightbox-img').removeAttribute('src');
    if (returnFocus && returnFocus.isConnected) returnFocus.focus();
    returnFocus = null;
  });
}
