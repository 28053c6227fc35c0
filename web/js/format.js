// Dates and times as people read them, in their own locale.

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const yearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });

export function messageTimeMs(message) {
  if (message.created_at_ms) return message.created_at_ms;
  if (message.created_at) return message.created_at * 1000;
  return 0;
}

// "14:05" today, "Mar 3, 14:05" this year, "Mar 3, 2023, 14:05" before.
export function shortTime(ms, now = new Date()) {
  const date = new Date(ms);
  const time = timeFormat.format(date);
  if (date.toDateString() === now.toDateString()) return time;
  const day = date.getFullYear() === now.getFullYear() ? dayFormat.format(date) : yearFormat.format(date);
  return `${day}, ${time}`;
}

// A day separator's words: "Today", "Yesterday", "Monday, December 7", or with the year.
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const weekdayYearFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

export function dayLabel(ms, now = new Date()) {
  const date = new Date(ms);
  if (date.toDateString() === now.toDateString()) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return (date.getFullYear() === now.getFullYear() ? weekdayFormat : weekdayYearFormat).format(date);
}

// Whether two times fall on different local days.
export function differentDays(a, b) {
  return new Date(a).toDateString() !== new Date(b).toDateString();
}

export function fullTime(ms) {
  return fullFormat.format(new Date(ms));
}
