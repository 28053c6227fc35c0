// Unit tests for web/js/search-results.js (what a message search hit shows
// and where it leads) and the live subscription of a channel read around an
// older message (channel-state.js). Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { hitChannelLabel, hitTarget, renderSnippet, resultsStatus, snippetPieces } from '../../web/js/search-results.js';
import { ChannelState } from '../../web/js/channel-state.js';

// Just enough of a document to build a snippet with, and nothing that parses markup.
class FakeNode {
  constructor(nodeName, text = '') {
    this.nodeName = nodeName;
    this.text = text;
    this.childNodes = [];
    this.className = '';
  }

  appendChild(child) {
    this.childNodes.push(child);
    return child;
  }

  get textContent() {
    return this.nodeName === '#text' ? this.text : this.childNodes.map((c) => c.textContent).join('');
  }

  set innerHTML(_) {
    throw new Error('innerHTML must not be used');
  }
}

const fakeDocument = {
  createElement: (tag) => new FakeNode(tag.toUpperCase()),
  createTextNode: (text) => new FakeNode('#text', text),
};

test('snippet pieces: matched words marked, markup kept as text', () => {
  const span = renderSnippet(
    [{ text: '<b>bold</b> ', match: false }, { text: 'zebra', match: true }, { text: ' stripes', match: false }],
    'ignored',
    fakeDocument,
  );
  assert.equal(span.nodeName, 'SPAN');
  assert.equal(span.className, 'search-hit__snippet');
  assert.deepEqual(span.childNodes.map((n) => n.nodeName), ['#text', 'MARK', '#text']);
  assert.equal(span.childNodes[0].text, '<b>bold</b> ');
  assert.equal(span.childNodes[1].textContent, 'zebra');
  assert.deepEqual(span.childNodes[1].childNodes.map((n) => n.nodeName), ['#text']);
  assert.equal(span.textContent, '<b>bold</b> zebra stripes');
});

test('snippet pieces are cleaned: empty and malformed pieces dropped, neighbours joined', () => {
  assert.deepEqual(
    snippetPieces([
      { text: 'a ', match: false },
      { text: '', match: true },
      { text: 'b', match: false },
      null,
      { text: 42, match: true },
      { text: 'zeb', match: true },
      { text: 'ra', match: true },
      { text: 'x', match: 'yes' },
    ]),
    [{ text: 'a b', match: false }, { text: 'zebra', match: true }, { text: 'x', match: false }],
  );
});

test('without a snippet, the start of the text (as text)', () => {
  assert.deepEqual(snippetPieces(undefined, 'hello <i>there</i>'), [{ text: 'hello <i>there</i>', match: false }]);
  const long = 'x'.repeat(500);
  assert.equal(snippetPieces([], long)[0].text, `${'x'.repeat(200)}…`);
  assert.deepEqual(snippetPieces([], ''), []);
  const span = renderSnippet(null, '<script>alert(1)</script>', fakeDocument);
  assert.deepEqual(span.childNodes.map((n) => n.nodeName), ['#text']);
});

test('a hit names its channel with #, a conversation by its people', () => {
  assert.equal(hitChannelLabel({ id: 'c1', name: 'general', conversation: false }), '#general');
  assert.equal(hitChannelLabel({ id: 'c2', name: 'Bob', conversation: true }), 'Bob');
  assert.equal(hitChannelLabel({ id: 'c3', name: 'Ann, Bob', conversation: true }), 'Ann, Bob');
  assert.equal(hitChannelLabel(null), '');
});

test('where a hit leads: the message; a thread reply\'s root and its thread', () => {
  assert.deepEqual(hitTarget({ id: 'm1', channel_id: 'c1' }), { channelId: 'c1', messageId: 'm1', rootId: '', replyId: '' });
  assert.deepEqual(
    hitTarget({ id: 'r1', channel_id: 'c1', thread_root: 'm1' }),
    { channelId: 'c1', messageId: 'm1', rootId: 'm1', replyId: 'r1' },
    'a reply only in its thread: the history around its root',
  );
  assert.deepEqual(
    hitTarget({ id: 'r2', channel_id: 'c1', thread_root: 'm1', also_in_channel: true }),
    { channelId: 'c1', messageId: 'r2', rootId: 'm1', replyId: 'r2' },
    'a reply also sent to the channel is in it',
  );
});

test('the status line: none, some, more to load', () => {
  assert.equal(resultsStatus(0, false), 'No messages match.');
  assert.equal(resultsStatus(1, false), '1 message found.');
  assert.equal(resultsStatus(20, true), '20 messages shown; there are more.');
});

test('a channel read around an older message follows live events without a replay', () => {
  const ch = new ChannelState('c1', 'general');
  assert.deepEqual(ch.subscription(), { id: 'c1' }, 'not loaded');
  ch.log.putHistoryPage([{ id: '2#b' }, { id: '1#a' }], null);
  assert.deepEqual(ch.subscription(), { id: 'c1', after: '2#b' }, 'at the present: resume after the newest');
  ch.log.newerAfter = '2#b';
  assert.deepEqual(ch.subscription(), { id: 'c1' }, 'in the past: its newer pages bring the rest');
});
