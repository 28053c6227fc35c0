// Presence in the web client (web/js/presence.js): whom the page watches,
// whose dot a conversation shows, the away delay, the away timer on an
// injected clock, and what goes to the server on each (re)connect.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ChannelState } from '../../web/js/channel-state.js';
import {
  AWAY_AFTER_MS,
  AwayTimer,
  MAX_WATCHED,
  Presence,
  awayAfterMs,
  dmPartner,
  watchedUsers,
} from '../../web/js/presence.js';

const alice = { user_id: 'a1', user_name: 'Alice' };
const bob = { user_id: 'b2', user_name: 'Bob' };
const carol = { user_id: 'c3', user_name: 'Carol' };

function conversation(id, kind, participants, member = true) {
  const ch = new ChannelState(id, '');
  ch.absorb({ kind, participants }, 'a1');
  ch.member = member;
  return ch;
}

test('the page watches itself, the people of its conversations and the members listed', () => {
  const channels = [
    new ChannelState('general', 'general'), // a channel's people are the panel's business
    conversation('dm-1', 'dm', [alice, bob]),
    conversation('dm-2', 'group', [alice, bob, carol]),
    conversation('dm-3', 'dm', [alice, { user_id: 'z9', user_name: 'Zed' }], false), // not one of ours (any more)
  ];
  assert.deepEqual(watchedUsers({ meId: 'a1', channels, members: new Set(['m5', 'b2']) }), ['a1', 'b2', 'c3', 'm5']);
  assert.deepEqual(watchedUsers({ meId: 'a1', channels: [], members: [] }), ['a1']);
  assert.deepEqual(watchedUsers({ meId: undefined }), []);
});

test('at most the server\'s 500, keeping oneself and conversations before the panel', () => {
  const members = Array.from({ length: 600 }, (_, i) => `m${String(i).padStart(3, '0')}`);
  const users = watchedUsers({ meId: 'zz-me', channels: [conversation('dm-1', 'dm', [alice, bob])], members });
  assert.equal(users.length, MAX_WATCHED);
  for (const id of ['zz-me', 'a1', 'b2', 'm000', 'm496']) assert.ok(users.includes(id), id);
  assert.ok(!users.includes('m497'));
  assert.deepEqual(users, [...users].sort(), 'sorted, so an unchanged set compares equal');
});

test('a direct message shows the other person\'s dot; groups and channels none', () => {
  assert.equal(dmPartner(conversation('dm-1', 'dm', [alice, bob]), 'a1'), 'b2');
  assert.equal(dmPartner(conversation('dm-1', 'dm', [alice, bob]), 'b2'), 'a1');
  assert.equal(dmPartner(conversation('dm-s', 'dm', [alice]), 'a1'), 'a1'); // with oneself
  assert.equal(dmPartner(conversation('dm-2', 'group', [alice, bob, carol]), 'a1'), '');
  assert.equal(dmPartner(new ChannelState('general', 'general'), 'a1'), '');
});

test('the away delay: five minutes unless storage names a positive number of ms', () => {
  const storage = (value) => ({ getItem: (key) => (key === 'townhallAwayAfterMs' ? value : null) });
  assert.equal(AWAY_AFTER_MS, 300000);
  assert.equal(awayAfterMs(storage('1500')), 1500);
  assert.equal(awayAfterMs(storage(' 250 ')), 250);
  for (const bad of [null, '', 'soon', '0', '-5', 'Infinity']) assert.equal(awayAfterMs(storage(bad)), AWAY_AFTER_MS, String(bad));
  assert.equal(awayAfterMs(null), AWAY_AFTER_MS);
  assert.equal(awayAfterMs({ getItem() { throw new Error('blocked'); } }), AWAY_AFTER_MS);
});

// A clock and timers the test moves by hand.
function fakeClock() {
  const clock = { now: 1000, timers: new Map(), next: 1, armed: 0 };
  clock.setTimer = (fn, ms) => {
    clock.armed++;
    clock.timers.set(clock.next, { at: clock.now + ms, fn });
    return clock.next++;
  };
  clock.clearTimer = (id) => clock.timers.delete(id);
  clock.advance = (ms) => {
    const end = clock.now + ms;
    for (;;) {
      const due = [...clock.timers.entries()].filter(([, t]) => t.at <= end).sort((x, y) => x[1].at - y[1].at)[0];
      if (!due) break;
      clock.timers.delete(due[0]);
      clock.now = due[1].at;
      due[1].fn();
    }
    clock.now = end;
  };
  return clock;
}

function awayTimer(afterMs) {
  const clock = fakeClock();
  const said = [];
  const timer = new AwayTimer({
    afterMs,
    onChange: (away) => said.push(away),
    now: () => clock.now,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
  });
  return { clock, said, timer };
}

test('away after the delay without input, back at the next input, once each', () => {
  const { clock, said, timer } = awayTimer(5000);
  timer.start();
  clock.advance(4999);
  assert.deepEqual(said, []);
  clock.advance(1);
  assert.deepEqual(said, [true]);
  assert.equal(timer.away, true);
  clock.advance(60000);
  assert.deepEqual(said, [true], 'said once, and no timer runs while away');
  assert.equal(clock.timers.size, 0);
  timer.input();
  timer.input();
  assert.deepEqual(said, [true, false]);
  clock.advance(5000);
  assert.deepEqual(said, [true, false, true], 'and away again after another quiet spell');
});

test('input postpones going away; a stream of it arms no timers', () => {
  const { clock, said, timer } = awayTimer(5000);
  timer.start();
  const armed = clock.armed;
  for (let i = 0; i < 40; i++) {
    clock.advance(100);
    timer.input(); // pointer moves
  }
  assert.equal(clock.armed, armed, 'input only records the time');
  clock.advance(4000); // the first timer fires at 5000, sees 1000 ms of quiet, waits the rest
  assert.deepEqual(said, []);
  clock.advance(999);
  assert.deepEqual(said, []);
  clock.advance(1);
  assert.deepEqual(said, [true], 'away exactly 5000 ms after the last input');
  timer.stop();
  timer.input();
  assert.deepEqual(said, [true, false]);
});

test('each ready sends the watch list and, when away, the status; changes go out debounced and only when different', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const sent = [];
  let users = ['a1', 'b2'];
  const storage = { getItem: () => '1500' };
  const presence = new Presence({ send: (frame) => sent.push(frame), watched: () => users, storage });
  presence.changed(); // before any socket: nothing to send on
  t.mock.timers.tick(1000);
  assert.deepEqual(sent, []);

  presence.ready();
  assert.deepEqual(sent, [{ type: 'watch_presence', users: ['a1', 'b2'] }]);
  presence.changed(); // the same people
  t.mock.timers.tick(1000);
  assert.equal(sent.length, 1);
  users = ['a1', 'b2', 'c3'];
  presence.changed();
  t.mock.timers.tick(200);
  presence.changed(); // a burst of changes: one frame
  t.mock.timers.tick(299);
  assert.equal(sent.length, 1);
  t.mock.timers.tick(1);
  assert.deepEqual(sent.slice(1), [{ type: 'watch_presence', users: ['a1', 'b2', 'c3'] }]);

  // Away, then a reconnect: the new socket watches nobody and counts as not away.
  sent.length = 0;
  presence.timer.start(); // what start() does besides the DOM
  t.mock.timers.tick(1500);
  assert.deepEqual(sent, [{ type: 'status', away: true }]);
  presence.ready();
  assert.deepEqual(sent.slice(1), [
    { type: 'watch_presence', users: ['a1', 'b2', 'c3'] },
    { type: 'status', away: true },
  ]);
  presence.timer.input();
  assert.deepEqual(sent.at(-1), { type: 'status', away: false });
  sent.length = 0;
  presence.ready(); // back: nothing to say besides the list
  assert.deepEqual(sent, [{ type: 'watch_presence', users: ['a1', 'b2', 'c3'] }]);
});

test('presence frames are merged; unknown states are ignored', () => {
  const painted = [];
  globalThis.document = { querySelectorAll: () => painted };
  try {
    const presence = new Presence({ send: () => {}, watched: () => [], storage: null });
    assert.equal(presence.stateOf('b2'), 'unknown');
    presence.heard({ b2: 'online', c3: 'offline' });
    presence.heard({ b2: 'away', c3: 'sleeping' });
    presence.heard(null);
    assert.equal(presence.stateOf('b2'), 'away');
    assert.equal(presence.stateOf('c3'), 'offline');
  } finally {
    delete globalThis.document;
  }
});
