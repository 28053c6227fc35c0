// The mention picker's pure parts (web/js/mention-picker.js): finding the
// "@query" before the caret, and ranking people for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { mentionQuery, rankPeople } from '../../web/js/mention-picker.js';

test('an @query right before the caret, at the start or after a space', () => {
  assert.deepEqual(mentionQuery('@', 1), { query: '', start: 0 });
  assert.deepEqual(mentionQuery('hi @Bo', 6), { query: 'Bo', start: 3 });
  assert.deepEqual(mentionQuery('hi @Bo and', 6), { query: 'Bo', start: 3 }); // the caret decides
  assert.equal(mentionQuery('mail a@b', 8), null); // inside a word: an e-mail, not a mention
  assert.equal(mentionQuery('hi @Bob ', 8), null); // a space ends it
  assert.equal(mentionQuery('hi there', 8), null);
});

test('names that start with the query first, then those containing it, at most eight', () => {
  const people = ['Bob', 'Abby', 'bobby', 'Carol', 'Rob'].map((user_name, i) => ({ user_id: `u${i}`, user_name }));
  assert.deepEqual(rankPeople(people, 'bo').map((p) => p.user_name), ['Bob', 'bobby']);
  assert.deepEqual(rankPeople(people, 'ob').map((p) => p.user_name), ['Bob', 'bobby', 'Rob']);
  assert.deepEqual(rankPeople(people, 'b').map((p) => p.user_name), ['Bob', 'bobby', 'Abby', 'Rob']);
  const many = Array.from({ length: 20 }, (_, i) => ({ user_id: `m${i}`, user_name: `Max ${i}` }));
  assert.equal(rankPeople(many, 'max').length, 8);
});

test('group mentions become their send fields; people stay ids', async () => {
  const { mentionFields, EVERYONE, HERE } = await import('../../web/js/mention-groups.js');
  assert.deepEqual(mentionFields(['u1', HERE.user_id]), { people: ['u1'], channel: false, here: true });
  assert.deepEqual(mentionFields([EVERYONE.user_id]), { people: [], channel: true, here: false });
  assert.deepEqual(mentionFields([]), { people: [], channel: false, here: false });
});
