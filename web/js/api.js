// The REST client for Townhall's /api: JSON in and out, the session cookie
// (HttpOnly, sent by the browser), and the CSRF double-submit header on every
// state-changing request. Failures become ApiError with the server's code.

import { mentionFields } from './mention-groups.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 when the server could not be reached
    this.code = code;
  }
}

// Whether this browser holds a session: the CSRF cookie (readable by the
// page) is set and cleared together with the HttpOnly session cookie. Lets
// a signed-out page skip asking /api/me for a 401.
export function hasSessionCookie() {
  return readCookie('th_csrf') !== '';
}

function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return '';
}

// The server's {"error": {code, message}} of a failed response, as an ApiError.
function errorOf(status, statusText, text) {
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  const error = data && data.error;
  return new ApiError(status, (error && error.code) || `http_${status}`, (error && error.message) || statusText || 'Request failed.');
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = readCookie('th_csrf');
    if (token) headers['X-CSRF-Token'] = token;
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server.');
  }
  const text = response.status === 204 ? '' : await response.text();
  if (!response.ok) throw errorOf(response.status, response.statusText, text);
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  return data;
}

// Uploads one file (the body is the file itself) with progress, which
// fetch cannot report: XMLHttpRequest, with the same cookies and CSRF
// header as request(). onProgress(loadedBytes). Returns {promise, abort}:
// the promise resolves with the server's file ({id, name, type, size,
// url, ...}) and rejects with an ApiError (code 'aborted' after abort()).
export function uploadFile(channelId, blob, name, onProgress = () => {}) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', `/api/channels/${encodeURIComponent(channelId)}/files?name=${encodeURIComponent(name)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    // The server sniffs the type from the bytes; this is only a hint.
    xhr.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
    const token = readCookie('th_csrf');
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(errorOf(xhr.status, xhr.statusText, xhr.responseText));
        return;
      }
      try {
        resolve(JSON.parse(xhr.responseText).file);
      } catch {
        reject(new ApiError(xhr.status, 'bad_response', 'The server answered strangely.'));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Cannot reach the server.'));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    xhr.send(blob);
  });
  return { promise, abort: () => xhr.abort() };
}

const part = encodeURIComponent; // ids are URL-safe; encoding anyway costs nothing

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}

export const api = {
  // invite: the token of an invite link ('' without one).
  signup: (name, email, password, invite = '') =>
    request('POST', '/api/signup', { name, email, password, ...(invite ? { invite } : {}) }),
  login: (email, password) => request('POST', '/api/login', { email, password }),
  logout: () => request('POST', '/api/logout'),
  me: () => request('GET', '/api/me'),
  // Both answer like login: {user, token, expires_at} and a new session cookie
  // (a reset of a deactivated account answers {user} only).
  changePassword: (currentPassword, password) =>
    request('PUT', '/api/me/password', { current_password: currentPassword, password }),
  resetPassword: (token, password) => request('POST', '/api/password-reset', { token, password }),
  // Who may sign up: {signup: 'open' | 'invite' | 'domain', domains}.
  team: () => request('GET', '/api/team'),

  directory: (q, cursor, limit = 30) => request('GET', `/api/channels${query({ q, cursor, limit })}`),
  createChannel: (name, description, isPrivate) =>
    request('POST', '/api/channels', { name, description, private: isPrivate }),
  channel: (id) => request('GET', `/api/channels/${part(id)}`),
  updateChannel: (id, name, description) => request('PATCH', `/api/channels/${part(id)}`, { name, description }),
  archiveChannel: (id, archived) => request('PATCH', `/api/channels/${part(id)}`, { archived }),
  join: (id) => request('POST', `/api/channels/${part(id)}/join`),
  leave: (id) => request('POST', `/api/channels/${part(id)}/leave`),
  members: (id, cursor, limit = 50) =>
    request('GET', `/api/channels/${part(id)}/members${query({ cursor, limit })}`),
  removeMember: (id, userId) => request('DELETE', `/api/channels/${part(id)}/members/${part(userId)}`),
  addMember: (id, userName) => request('POST', `/api/channels/${part(id)}/members`, { user_name: userName }),
  // people: {user_ids: [...]} and/or {user_names: [...]}
  openConversation: (people) => request('POST', '/api/conversations', people),
  myChannels: (cursor) => request('GET', `/api/me/channels${query({ cursor, limit: 100 })}`), // one page for most people

  history: (id, cursor, limit = 50) =>
    request('GET', `/api/channels/${part(id)}/messages${query({ cursor, limit })}`),
  after: (id, after, limit = 100) =>
    request('GET', `/api/channels/${part(id)}/messages${query({ after, limit })}`),
  // The history around one message (newest first), with next_cursor (older) and newer_after.
  around: (id, messageId, limit = 50) =>
    request('GET', `/api/channels/${part(id)}/messages${query({ around: messageId, limit })}`),
  // Message search: {results: [{message, channel, snippet}], next_cursor}.
  search: (q, { cursor, channelId, limit = 20, order } = {}) =>
    request('GET', `/api/search${query({ q, channel_id: channelId, cursor, limit, order })}`),
  // files: ids of uploaded files the message shares (the text may then be empty).
  send: (id, text, clientMessageId, mentions = [], files = []) =>
    request('POST', `/api/channels/${part(id)}/messages`, {
      text,
      client_message_id: clientMessageId,
      mentions: mentionFields(mentions).people,
      mention_channel: mentionFields(mentions).channel,
      mention_here: mentionFields(mentions).here,
      ...(files.length ? { files } : {}),
    }),
  mentions: (cursor, limit = 30) => request('GET', `/api/me/mentions${query({ cursor, limit })}`),
  reply: (id, rootId, text, alsoInChannel, clientMessageId, mentions = []) =>
    request('POST', `/api/channels/${part(id)}/messages`, {
      text,
      client_message_id: clientMessageId,
      thread_root: rootId,
      also_in_channel: alsoInChannel,
      mentions: mentionFields(mentions).people,
      mention_channel: mentionFields(mentions).channel,
      mention_here: mentionFields(mentions).here,
    }),
  thread: (id, messageId, cursor, limit = 100) =>
    request('GET', `/api/channels/${part(id)}/messages/${part(messageId)}/thread${query({ cursor, limit })}`),
  edit: (id, messageId, text) =>
    request('PATCH', `/api/channels/${part(id)}/messages/${part(messageId)}`, { text }),
  remove: (id, messageId) => request('DELETE', `/api/channels/${part(id)}/messages/${part(messageId)}`),
  mute: (id, muted) => request('PUT', `/api/channels/${part(id)}/mute`, { muted }),
  markRead: (id, messageId) => request('POST', `/api/channels/${part(id)}/read`, { message_id: messageId }),
  react: (id, messageId, emoji, on) =>
    request(on ? 'PUT' : 'DELETE', `/api/channels/${part(id)}/messages/${part(messageId)}/reactions/${part(emoji)}`),
};

// The admin panel's calls (admins and the owner; members get 403).
export const adminApi = {
  setSignup: (signup, domains) => request('PUT', '/api/team/signup', { signup, domains }),
  users: (cursor, limit = 50) => request('GET', `/api/admin/users${query({ cursor, limit })}`),
  setRole: (userId, role) => request('PUT', `/api/admin/users/${part(userId)}/role`, { role }),
  setActive: (userId, active) =>
    request('POST', `/api/admin/users/${part(userId)}/${active ? 'reactivate' : 'deactivate'}`),
  // {token, path: '/#reset=<token>', user_id, expires_at}
  resetLink: (userId) => request('POST', `/api/admin/users/${part(userId)}/reset-link`),
  // {invite, path: '/#invite=<token>'}; maxUses 0: any number until it expires
  createInvite: (expiresIn, maxUses) =>
    request('POST', '/api/admin/invites', { expires_in: expiresIn, max_uses: maxUses }),
  invites: (cursor, limit = 50) => request('GET', `/api/admin/invites${query({ cursor, limit })}`),
  revokeInvite: (inviteId) => request('DELETE', `/api/admin/invites/${part(inviteId)}`),
  audit: (cursor, limit = 30) => request('GET', `/api/admin/audit${query({ cursor, limit })}`),
};
