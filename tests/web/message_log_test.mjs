// Unit tests for web/js/message-log.js, the web client's per-channel message
// window: ordering, deduplication across REST pages, replays and live events,
// edits and tombstones, and pending sends. Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MessageLog } from '../../web/js/message-log.js';

function msg(id, extra = {}) {
  return { id, channel_id: 'c1', user_id: 'u1', user_name: 'Ann', text: `text ${id}`, edited_at_ms: 0, deleted: false, ...extra };
}

test('a history page (newest first) is kept oldest first', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('1700000003#c'), msg('1700000002#b'), msg('1700000001#a')], 'cursor1');
  assert.deepEqual(log.ids, ['1700000001#a', '1700000002#b', '1700000003#c']);
  assert.equal(log.newestId, '1700000003#c');
  assert.equal(log.oldestId, '1700000001#a');
  assert.equal(log.olderCursor, 'cursor1');
  assert.equal(log.reachedStart, false);
  assert.equal(log.loaded, true);
});

test('the last history page marks the start of the channel', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('2#b')], 'c');
  log.putHistoryPage([msg('1#a')], null);
  assert.deepEqual(log.ids, ['1#a', '2#b']);
  assert.equal(log.reachedStart, true);
  assert.equal(log.olderCursor, '');
});

test('the same message from a page, a replay and a live event is kept once', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('2#b'), msg('1#a')], null);
  assert.equal(log.put(msg('2#b')).change, 'none');
  assert.equal(log.put(msg('3#c')).change, 'added');
  assert.equal(log.put(msg('3#c')).change, 'none');
  assert.deepEqual(log.ids, ['1#a', '2#b', '3#c']);
});

test('messages arriving out of order are placed in id order and report their index', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('1#a')], null);
  assert.deepEqual(log.put(msg('3#c')), { id: '3#c', change: 'added', index: 1, settled: '' });
  assert.deepEqual(log.put(msg('2#b')), { id: '2#b', change: 'added', index: 1, settled: '' });
  assert.deepEqual(log.ids, ['1#a', '2#b', '3#c']);
});

test('a live event older than the loaded window waits for history paging', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('5#e'), msg('4#d')], 'more');
  assert.equal(log.put(msg('2#b', { edited_at_ms: 9 })).change, 'none');
  assert.deepEqual(log.ids, ['4#d', '5#e']);
  log.putHistoryPage([msg('3#c'), msg('2#b')], null);
  assert.deepEqual(log.ids, ['2#b', '3#c', '4#d', '5#e']);
});

test('a later edit replaces the text; an older or repeated version does not', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('1#a')], null);
  assert.equal(log.put(msg('1#a', { text: 'new', edited_at_ms: 200 })).change, 'updated');
  assert.equal(log.put(msg('1#a', { text: 'older edit', edited_at_ms: 100 })).change, 'none');
  assert.equal(log.put(msg('1#a', { text: 'original' })).change, 'none');
  assert.equal(log.get('1#a').text, 'new');
});

test('deletion is final: a tombstone is not revived by a late edit or replay', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('1#a')], null);
  assert.equal(log.put(msg('1#a', { deleted: true, text: '' })).change, 'updated');
  assert.equal(log.put(msg('1#a', { text: 'edited late', edited_at_ms: 500 })).change, 'none');
  assert.equal(log.get('1#a').deleted, true);
  assert.equal(log.size, 1);
});

test('a confirmed message settles the pending send with its client message id', () => {
  const log = new MessageLog();
  log.putHistoryPage([], null);
  log.addPending('cm-1', 'hello');
  log.addPending('cm-2', 'again');
  const result = log.put(msg('1#a', { client_message_id: 'cm-1', text: 'hello' }));
  assert.equal(result.change, 'added');
  assert.equal(result.settled, 'cm-1');
  assert.deepEqual([...log.pending.keys()], ['cm-2']);
  // The ack after the event (or the other way round) changes nothing more.
  assert.deepEqual(log.put(msg('1#a', { client_message_id: 'cm-1', text: 'hello' })), { id: '1#a', change: 'none', index: 0, settled: '' });
});

test('an empty log accepts live messages before its first page', () => {
  const log = new MessageLog();
  assert.equal(log.put(msg('9#z')).change, 'added');
  log.putHistoryPage([msg('9#z'), msg('8#y')], 'more');
  assert.deepEqual(log.ids, ['8#y', '9#z']);
});

test('reactions: the latest copy wins, a fresh page refreshes them, a tombstone keeps none', () => {
  const log = new MessageLog();
  log.putHistoryPage([msg('1#a'), msg('0#z')], null);
  const thumbs = [{ emoji: '👍', count: 1, user_ids: ['u2'] }];
  assert.deepEqual(log.putReactions(msg('1#a', { reactions: thumbs })), { id: '1#a', change: 'updated', index: 1, settled: '' });
  assert.equal(log.putReactions(msg('1#a', { reactions: thumbs })).change, 'none');
  assert.deepEqual(log.get('1#a').reactions, thumbs);
  // The text is untouched by a reaction copy, even one carrying old text.
  assert.equal(log.put(msg('1#a', { text: 'edited', edited_at_ms: 10, reactions: thumbs })).change, 'updated');
  assert.equal(log.putReactions(msg('1#a', { text: 'stale', reactions: [] })).change, 'updated');
  assert.equal(log.get('1#a').text, 'edited');
  assert.deepEqual(log.get('1#a').reactions, []);
  // A live copy of the same version does not roll reactions back; a page does.
  assert.equal(log.put(msg('1#a', { text: 'edited', edited_at_ms: 10, reactions: thumbs })).change, 'none');
  assert.equal(log.merge([msg('1#a', { text: 'edited', edited_at_ms: 10, reactions: thumbs })])[0].change, 'updated');
  assert.deepEqual(log.get('1#a').reactions, thumbs);
  // Unknown and deleted messages take no reactions.
  assert.equal(log.putReactions(msg('9#q', { reactions: thumbs })).change, 'none');
  log.put(msg('0#z', { deleted: true, text: '' }));
  assert.equal(log.putReactions(msg('0#z', { reactions: thumbs })).change, 'none');
  assert.equal(log.get('0#z').reactions, undefined);
});

// --- a window around an older message (a search hit: ?around=) ---

test('a page around a message stops short of the present', () => {
  const log = new MessageLog();
  log.putAroundPage([msg('5#e'), msg('4#d'), msg('3#c')], 'older', '5#e');
  assert.deepEqual(log.ids, ['3#c', '4#d', '5#e']);
  assert.equal(log.detached, true);
  assert.equal(log.newerAfter, '5#e');
  assert.equal(log.olderCursor, 'older');
  assert.equal(log.loaded, true);
  // A page that reaches the present is an ordinary one.
  const present = new MessageLog();
  present.putAroundPage([msg('2#b'), msg('1#a')], null, null);
  assert.equal(present.detached, false);
  assert.equal(present.reachedStart, true);
});

test('live messages past a window in the past are left out; edits inside it go in', () => {
  const log = new MessageLog();
  log.putAroundPage([msg('5#e'), msg('4#d')], null, '5#e');
  assert.equal(log.isBeyond('9#z'), true);
  assert.equal(log.isBeyond('4#d'), false);
  assert.deepEqual(log.put(msg('9#z')), { id: '9#z', change: 'none', index: -1, settled: '' });
  assert.deepEqual(log.ids, ['4#d', '5#e']);
  assert.equal(log.put(msg('4#d', { text: 'changed', edited_at_ms: 5 })).change, 'updated');
  assert.equal(log.get('4#d').text, 'changed');
  // Before its page arrives, the window takes no live message at all.
  const loading = new MessageLog();
  loading.newerAfter = '5#e';
  assert.equal(loading.put(msg('9#z')).change, 'none');
  assert.equal(loading.size, 0);
});

test('newer pages extend a window in the past until it reaches the present', () => {
  const log = new MessageLog();
  log.putAroundPage([msg('5#e'), msg('4#d')], null, '5#e');
  const results = log.putNewerPage([msg('6#f'), msg('7#g', { thread_root: '6#f' }), msg('8#h')], '8#h');
  assert.deepEqual(results.map((r) => [r.id, r.change]), [['6#f', 'added'], ['8#h', 'added']]);
  assert.deepEqual(log.ids, ['4#d', '5#e', '6#f', '8#h'], 'a reply only in its thread is not in the channel');
  assert.equal(log.newerAfter, '8#h');
  assert.equal(log.detached, true);
  log.putNewerPage([msg('9#i', { thread_root: '6#f', also_in_channel: true })], null);
  assert.deepEqual(log.ids, ['4#d', '5#e', '6#f', '8#h', '9#i'], 'a reply also sent to the channel is');
  assert.equal(log.detached, false);
  // At the present again, live messages are appended as usual.
  assert.equal(log.put(msg('99#j')).change, 'added');
  assert.equal(log.newestId, '99#j');
});
