// Day separators' words and day boundaries (web/js/format.js), in local time.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { dayLabel, differentDays } from '../../web/js/format.js';

const now = new Date(2026, 11, 7, 9, 30); // Monday, December 7, 2026, 09:30 local

test('today, yesterday, a weekday this year, and with the year before', () => {
  assert.equal(dayLabel(new Date(2026, 11, 7, 0, 5).getTime(), now), 'Today');
  assert.equal(dayLabel(new Date(2026, 11, 6, 23, 59).getTime(), now), 'Yesterday');
  assert.match(dayLabel(new Date(2026, 10, 3, 12, 0).getTime(), now), /November/);
  assert.doesNotMatch(dayLabel(new Date(2026, 10, 3, 12, 0).getTime(), now), /2026/);
  assert.match(dayLabel(new Date(2025, 11, 31, 12, 0).getTime(), now), /2025/);
  // January 1st's yesterday is December 31st of the year before.
  assert.equal(dayLabel(new Date(2026, 11, 31, 22, 0).getTime(), new Date(2027, 0, 1, 8, 0)), 'Yesterday');
});

test('days split at local midnight', () => {
  assert.equal(differentDays(new Date(2026, 11, 7, 23, 59).getTime(), new Date(2026, 11, 8, 0, 0).getTime()), true);
  assert.equal(differentDays(new Date(2026, 11, 7, 0, 0).getTime(), new Date(2026, 11, 7, 23, 59).getTime()), false);
});
