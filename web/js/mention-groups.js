// The group mentions a composer offers beside people, and how a message's
// chosen mentions become the send fields (no DOM here: api.js and
// realtime.js use it too).

// "@channel": everyone in it (the server decides who may, in large channels);
// "@here": those online now (channels of up to 50 people).
export const EVERYONE = { user_id: '@channel', user_name: 'channel', label: 'channel — notify everyone in it' };
export const HERE = { user_id: '@here', user_name: 'here', label: 'here — notify who is online now' };
export const GROUPS = [EVERYONE, HERE];

// Splits a message's mentions (ids, or a group's) into the send fields.
export function mentionFields(mentions) {
  const people = mentions.filter((id) => !GROUPS.some((g) => g.user_id === id));
  return { people, channel: mentions.includes(EVERYONE.user_id), here: mentions.includes(HERE.user_id) };
}
