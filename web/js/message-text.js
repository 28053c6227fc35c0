// A message's text as the page shows it: the server's rendering of its
// Markdown (src/api/markdown.h), checked again here against the same short
// list of tags and attributes before it reaches the page, or the plain text
// when a message has no rendering (one still being sent).

import { el } from './dom.js';

const TAGS = new Set(['P', 'BR', 'STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'HR', 'A']);
const SCHEMES = /^(https?:|mailto:)/i;

// Keeps only the allowed elements (others give way to their text) and
// attributes; links open in a new tab without a way back to this page.
function clean(node) {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === Node.TEXT_NODE) continue;
    if (child.nodeType !== Node.ELEMENT_NODE || !TAGS.has(child.tagName)) {
      child.replaceWith(document.createTextNode(child.textContent || ''));
      continue;
    }
    const href = child.getAttribute('href') || '';
    const start = child.getAttribute('start');
    for (const attribute of [...child.attributes]) child.removeAttribute(attribute.name);
    if (child.tagName === 'A') {
      if (SCHEMES.test(href)) {
        child.setAttribute('href', href);
        child.setAttribute('target', '_blank');
        child.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    } else if (child.tagName === 'OL' && /^\d{1,9}$/.test(start || '')) {
      child.setAttribute('start', start);
    }
    clean(child);
  }
}

export function messageText(message, className = 'msg__text') {
  if (typeof message.html !== 'string') return el('p', { class: className, text: message.text });
  // A parsed document has no browsing context: nothing in it loads or runs while it is checked.
  const parsed = new DOMParser().parseFromString(message.html, 'text/html').body;
  clean(parsed);
  const body = el('div', { class: `${className} msg__md` });
  body.append(...parsed.childNodes);
  return body;
}
