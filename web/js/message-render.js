// The elements of the message list: a message (its author and time, text,
// files, reactions, thread link and actions), its grouping with the one above
// and the date separator, and a message still being sent. Rendering only;
// MessageView (message-view.js) keeps them on screen and handles the clicks.

import { el } from './dom.js';
import { dayLabel, differentDays, fullTime, messageTimeMs, shortTime } from './format.js';
import { threadLink } from './thread-panel.js';
import { renderReactions } from './reactions-view.js';
import { messageText, mentionsMe } from './message-text.js';
import { renderFiles } from './files-view.js';
import { isModerator } from './roles.js';

const GROUP_WINDOW_MS = 5 * 60 * 1000;

// A message's li; previous: the message above it (or null), me: the signed-in
// user (or null), firstUnreadId: where "New messages" goes.
export function renderMessage(message, previous, me, firstUnreadId) {
  const mine = me && message.user_id === me.id;
  const ms = messageTimeMs(message);
  const li = el('li', {
    class: `msg${mine ? ' msg--mine' : ''}${message.deleted ? ' msg--deleted' : ''}`,
    dataset: { id: message.id },
  });
  if (continues(previous, message)) li.classList.add('msg--continued');
  if (message.id === firstUnreadId) li.classList.add('msg--first-unread');
  const day = dayBreak(previous, message);
  if (day) li.append(day);
  const meta = el(
    'div',
    { class: 'msg__meta' },
    el('span', { class: 'msg__author', text: message.user_name || 'Someone' }),
    ' ',
    el('time', {
      class: 'msg__time',
      datetime: ms ? new Date(ms).toISOString() : undefined,
      title: ms ? fullTime(ms) : undefined,
      text: ms ? shortTime(ms) : '',
    }),
    message.edited_at_ms && !message.deleted
      ? el('span', { class: 'msg__edited', title: fullTime(message.edited_at_ms), text: ' (edited)' })
      : null,
  );
  li.append(meta);
  if (message.deleted) {
    li.append(el('p', { class: 'msg__text msg__tombstone', text: 'This message was deleted.' }));
    return li;
  }
  if (message.thread_root) {
    li.append(el('button', { type: 'button', class: 'thread-link', dataset: { action: 'thread', root: message.thread_root }, text: 'Replied in a thread' }));
  }
  const text = messageText(message, 'msg__text', me?.id);
  if (me && mentionsMe(message, me.id)) li.classList.add('msg--mentions-me');
  // Beside the text of a grouped message (whose meta line is hidden): "(edited)" stays in sight.
  li.append(
    message.edited_at_ms
      ? el('div', { class: 'msg__body' }, text, el('span', { class: 'msg__edited msg__edited--inline', title: fullTime(message.edited_at_ms), text: '(edited)' }))
      : text,
  );
  const files = renderFiles(message);
  if (files) li.append(files);
  const reactions = renderReactions(message, me);
  if (reactions) li.append(reactions);
  const thread = threadLink(message);
  if (thread) li.append(thread);
  li.append(
    el(
      'div',
      { class: 'msg__actions' },
      el('button', { type: 'button', class: 'button button--tiny', dataset: { action: 'react-menu' }, 'aria-label': 'Add a reaction', 'aria-haspopup': 'true', text: '☺+' }),
      el('button', { type: 'button', class: 'button button--tiny', dataset: { action: 'thread', root: message.thread_root || message.id }, 'aria-label': 'Reply in a thread', text: 'Reply' }),
      mine ? el('button', { type: 'button', class: 'button button--tiny', dataset: { action: 'edit' }, 'aria-label': 'Edit message', text: 'Edit' }) : null,
      // Admins and the owner delete anyone's message (moderation).
      mine || isModerator(me)
        ? el('button', { type: 'button', class: 'button button--tiny', dataset: { action: 'delete' }, 'aria-label': 'Delete message', text: 'Delete' })
        : null,
    ),
  );
  return li;
}

// Whether a message groups with the one above it (same author, same day, within minutes).
export function continues(previous, message) {
  if (!previous || previous.deleted || message.deleted) return false;
  if (differentDays(messageTimeMs(previous), messageTimeMs(message))) return false;
  return previous.user_id === message.user_id && messageTimeMs(message) - messageTimeMs(previous) < GROUP_WINDOW_MS;
}

// The date separator above a message that starts a day (or the loaded history), or null.
export function dayBreak(previous, message) {
  const ms = messageTimeMs(message);
  if (!ms || (previous && !differentDays(messageTimeMs(previous), ms))) return null;
  return el('div', { class: 'msg__day', role: 'separator', text: dayLabel(ms) });
}

// A message being sent (me: the signed-in user, or null): Sending…; queued
// until the connection is back (it goes by itself); or failed for a reason a
// retry will not fix by itself (Retry, Discard).
export function renderPendingEntry(entry, me) {
  const failed = entry.status === 'failed';
  const queued = entry.status === 'queued';
  let status = 'Sending…';
  if (failed) status = `Not sent${entry.error ? `: ${entry.error}` : ''}`;
  if (queued) status = 'Waiting for the connection: it will be sent then';
  const button = (action, text) => el('button', { type: 'button', class: 'button button--tiny', dataset: { action }, text });
  return el(
    'li',
    {
      class: `msg msg--mine msg--pending${failed ? ' msg--failed' : ''}${queued ? ' msg--queued' : ''}`,
      dataset: { cmid: entry.clientMessageId },
    },
    el(
      'div',
      { class: 'msg__meta' },
      el('span', { class: 'msg__author', text: me ? me.name : '' }),
      ' ',
      el('span', { class: 'msg__status', text: status }),
    ),
    el('p', { class: 'msg__text', text: entry.text }),
    entry.files && entry.files.length
      ? el('ul', { class: 'msg__pending-files' }, entry.files.map((file) => el('li', { text: `Attached: ${file.name}` })))
      : null,
    failed || queued
      ? el('div', { class: 'msg__actions msg__actions--always' }, failed ? button('retry', 'Retry') : null, button('discard', 'Discard'))
      : null,
  );
}
