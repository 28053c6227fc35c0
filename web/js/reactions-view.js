// Reactions under a message: the toggles (one per emoji, with its count)
// and the quick picker. Rendering only; MessageView handles the clicks.

import { el } from './dom.js';

// The quick picker's choices; any emoji arrives through the API too.
const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀', '✅'];

// The quick picker under a message (li) for its reaction button: a few
// common emoji; again closes it.
export function openReactionMenu(li, button) {
  if (!li) return;
  const open = li.querySelector('.reaction-menu');
  if (open) {
    open.remove();
    return;
  }
  const menu = el('div', { class: 'reaction-menu', role: 'menu', 'aria-label': 'Pick a reaction' });
  for (const emoji of QUICK_REACTIONS) {
    menu.append(el('button', { type: 'button', class: 'reaction', role: 'menuitem', dataset: { action: 'react-pick', emoji }, text: emoji }));
  }
  menu.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    menu.remove();
    button.focus();
  });
  button.closest('.msg__actions').after(menu);
  menu.querySelector('button').focus();
}

// One toggle per reaction: "👍 2", pressed when me is among them.
export function renderReactions(message, me) {
  if (!message.reactions || !message.reactions.length) return null;
  const bar = el('div', { class: 'msg__reactions', role: 'group', 'aria-label': 'Reactions' });
  for (const reaction of message.reactions) {
    const mine = me && reaction.user_ids.includes(me.id);
    bar.append(
      el('button', {
        type: 'button',
        class: `reaction${mine ? ' reaction--mine' : ''}`,
        dataset: { action: 'react', emoji: reaction.emoji },
        'aria-pressed': mine ? 'true' : 'false',
        'aria-label': `${reaction.emoji} ${reaction.count}${mine ? ', including you' : ''}`,
        text: `${reaction.emoji} ${reaction.count}`,
      }),
    );
  }
  return bar;
}
