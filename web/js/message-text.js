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

// Wraps each "@Name" of the message's mentions in a highlight (the names it
// was sent with), outside code and links; one's own stands out more.
function highlightMentions(root, mentions, meId) {
  const names = [...mentions].sort((a, b) => b.user_name.length - a.user_name.length);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement.closest('code, pre, a, .mention') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
  for (const node of nodes) {
    let rest = node;
    for (;;) {
      let found = null;
      for (const person of names) {
        const at = rest.data.indexOf(`@${person.user_name}`);
        if (at >= 0 && (!found || at < found.at)) found = { at, person };
      }
      if (!found) break;
      const mark = rest.splitText(found.at);
      rest = mark.splitText(found.person.user_name.length + 1);
      const span = el('span', {
        class: `mention${found.person.user_id === meId ? ' mention--me' : ''}`,
        dataset: { userId: found.person.user_id },
      });
      mark.replaceWith(span);
      span.append(mark);
    }
  }
}

// Whether message mentions meId: by name, or "@channel"/"@here" from someone
// else (whether one was online for an "@here" is the server's: the counts say).
export function mentionsMe(message, meId) {
  if ((message.mention_channel || message.mention_here) && message.user_id !== meId) return true;
  return (message.mentions || []).some((m) => m.user_id === meId);
}

export function messageText(message, className = 'msg__text', meId = '') {
  if (typeof message.html !== 'string') return el('p', { class: className, text: message.text });
  // A parsed document has no browsing context: nothing in it loads or runs while it is checked.
  const parsed = new DOMParser().parseFromString(message.html, 'text/html').body;
  clean(parsed);
  const body = el('div', { class: `${className} msg__md` });
  body.append(...parsed.childNodes);
  const mentions = [...(message.mentions || [])];
  if (message.mention_channel) mentions.push({ user_id: meId, user_name: 'channel' }); // everyone: oneself too
  if (message.mention_here) mentions.push({ user_id: meId, user_name: 'here' });
  if (mentions.length) highlightMentions(body, mentions, meId);
  return body;
}
