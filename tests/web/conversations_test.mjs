// Conversations in the web client: how names are parsed and shown, and how
// a channel object from the server updates what the page knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ChannelState, channelLabel, conversationName, membershipOf } from '../../web/js/channel-state.js';
import { parseNames } from '../../web/js/people-dialog.js';

const alice = { user_id: 'a1', user_name: 'Alice' };
const bob = { user_id: 'b2', user_name: 'bob' };
const carol = { user_id: 'c3', user_name: 'Carol' };

test('names are split on commas, trimmed, without blanks or repeats (any case)', () => {
  assert.deepEqual(parseNames(' bob, Carol ,, BOB,carol , '), ['bob', 'Carol']);
  assert.deepEqual(parseNames(''), []);
});

test('a conversation is named by the other people, or by oneself when alone', () => {
  assert.equal(conversationName([alice, bob], 'a1'), 'bob');
  assert.equal(conversationName([alice, bob, carol], 'b2'), 'Alice, Carol');
  assert.equal(conversationName([carol, alice, bob], 'zz'), 'Alice, bob, Carol');
  assert.equal(conversationName([alice], 'a1'), 'Alice');
});

test('a channel object updates kind, people, privacy, name and latest activity', () => {
  const ch = new ChannelState('dm-x', '');
  ch.absorb({ kind: 'group', participants: [alice, bob, carol], private: true, name: 'Alice, bob, Carol', last_message_at_ms: 5 }, 'a1');
  assert.equal(ch.isConversation, true);
  assert.equal(ch.name, 'bob, Carol');
  assert.equal(ch.lastActivity, 5);
  ch.absorb({ last_message_at_ms: 3 }, 'a1'); // never backwards
  assert.equal(ch.lastActivity, 5);
  assert.equal(channelLabel(ch), 'bob, Carol');

  const channel = new ChannelState('7', '');
  channel.absorb(membershipOf({ channel_id: '7', channel_name: 'plans', private: true, kind: 'channel' }), 'a1');
  assert.equal(channel.isConversation, false);
  assert.equal(channelLabel(channel), '#plans');
  assert.equal(channelLabel(channel, { heading: true }), '🔒 plans');
});
