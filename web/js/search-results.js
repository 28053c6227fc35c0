// What a message search hit (GET /api/search) says and where it leads: its
// channel's label, the snippet as text with the matched words marked, and
// the message to open. No DOM of its own (a document is passed in), so it is
// unit-tested under Node.

const FALLBACK_CHARS = 200;

// "#general" for a channel, the people's names for a conversation.
export function hitChannelLabel(channel) {
  if (!channel) return '';
  return channel.conversation ? channel.name || 'Conversation' : `#${channel.name || ''}`;
}

// The snippet's pieces, cleaned: only strings, no empty pieces, neighbours of
// the same kind joined. Without a snippet, the start of the message's text.
export function snippetPieces(snippet, fallbackText = '') {
  const pieces = [];
  for (const piece of Array.isArray(snippet) ? snippet : []) {
    if (!piece || typeof piece.text !== 'string' || piece.text === '') continue;
    const match = piece.match === true;
    const last = pieces[pieces.length - 1];
    if (last && last.match === match) last.text += piece.text;
    else pieces.push({ text: piece.text, match });
  }
  if (!pieces.length && fallbackText) {
    const text = fallbackText.length > FALLBACK_CHARS ? `${fallbackText.slice(0, FALLBACK_CHARS)}…` : fallbackText;
    pieces.push({ text, match: false });
  }
  return pieces;
}

// The snippet as a <span>: every piece a text node, the matched ones inside
// <mark>. Never parsed as markup, whatever the message says.
export function renderSnippet(snippet, fallbackText, doc = document) {
  const span = doc.createElement('span');
  span.className = 'search-hit__snippet';
  for (const piece of snippetPieces(snippet, fallbackText)) {
    const text = doc.createTextNode(piece.text);
    if (piece.match) {
      const mark = doc.createElement('mark');
      mark.appendChild(text);
      span.appendChild(mark);
    } else {
      span.appendChild(text);
    }
  }
  return span;
}

// Where a hit leads: the channel; the message to load the history around
// and highlight (a thread reply not sent to the channel is not in it: its
// root is); and, for a reply, the thread to open and the reply to show in it.
export function hitTarget(message) {
  const channelId = String(message.channel_id || '');
  if (!message.thread_root) return { channelId, messageId: message.id, rootId: '', replyId: '' };
  const inChannel = Boolean(message.also_in_channel);
  return {
    channelId,
    messageId: inChannel ? message.id : message.thread_root,
    rootId: message.thread_root,
    replyId: message.id,
  };
}

// The status line under the box: how many are shown, and whether more follow.
export function resultsStatus(count, more) {
  if (!count) return 'No messages match.';
  const noun = count === 1 ? 'message' : 'messages';
  return more ? `${count} ${noun} shown; there are more.` : `${count} ${noun} found.`;
}
