// Realtime: the page's one WebSocket to /ws.
//
// It reconnects with jittered exponential backoff and, on every (re)connect,
// subscribes to the channels the app names, each with the last message id the
// app holds, so the server first replays what was missed and then streams live
// events. Events can therefore repeat (a replay overlapping what a REST page
// already returned): the app dedupes by message id.
//
// A silent connection (no frame for SILENCE_MS despite pings) is treated as
// dead, because a lost network does not always close a socket promptly.

import { mentionFields } from './mention-groups.js';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;
const PING_EVERY_MS = 20000;
const SILENCE_MS = 45000;
const ACK_TIMEOUT_MS = 10000;
const CLOSE_SESSION_ENDED = 4003;

export class RealtimeError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export class Realtime {
  // subscriptions(): [{id, after}] for every channel to follow, asked on each connect.
  // onEvent(event): server events (message.created, member.joined, ...).
  // onState({state, failures, retryInMs}): state is connecting | open | waiting | offline | stopped.
  constructor({ subscriptions, onEvent, onState }) {
    this.subscriptions = subscriptions;
    this.onEvent = onEvent;
    this.onState = onState;
    this.ws = null;
    this.state = 'stopped';
    this.failures = 0; // consecutive connects that did not open
    this.attempt = 0;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.lastHeard = 0;
    this.acks = new Map(); // client_message_id -> {resolve, reject, timer}
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => {
      this.drop();
      this.setState('offline');
    };
    this.onVisible = () => {
      if (document.visibilityState === 'visible' && this.state === 'waiting') this.reconnectNow();
    };
  }

  start() {
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    document.addEventListener('visibilitychange', this.onVisible);
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    document.removeEventListener('visibilitychange', this.onVisible);
    clearTimeout(this.retryTimer);
    this.drop();
    this.setState('stopped');
  }

  get isOpen() {
    return this.state === 'open';
  }

  reconnectNow() {
    if (this.stopped) return;
    this.attempt = 0;
    if (this.ws) return; // already connecting or open
    clearTimeout(this.retryTimer);
    this.connect();
  }

  // Follows more channels on the open connection (new ones are sent again on reconnect anyway).
  subscribe(channels) {
    if (channels.length) this.sendFrame({ type: 'subscribe', channels });
  }

  unsubscribe(ids) {
    if (ids.length) this.sendFrame({ type: 'unsubscribe', channels: ids });
  }

  // Resolves with the ack ({message, duplicate}); rejects with a RealtimeError
  // whose code is 'disconnected', 'timeout' or the server's error code.
  // files: ids of uploaded files the message shares.
  send(channel, text, clientMessageId, mentions = [], files = []) {
    if (!this.isOpen) return Promise.reject(new RealtimeError('disconnected', 'Not connected.'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(clientMessageId);
        reject(new RealtimeError('timeout', 'The server did not confirm in time.'));
      }, ACK_TIMEOUT_MS);
      this.acks.set(clientMessageId, { resolve, reject, timer });
      const frame = { type: 'send', channel, text, client_message_id: clientMessageId };
      const { people, channel: everyone, here } = mentionFields(mentions);
      if (people.length) frame.mentions = people;
      if (everyone) frame.mention_channel = true;
      if (here) frame.mention_here = true;
      if (files.length) frame.files = files;
      this.sendFrame(frame);
    });
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (navigator.onLine === false) {
      this.setState('offline');
      return;
    }
    this.setState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    // batch=1: a busy connection may carry several events per frame, one per line.
    const ws = new WebSocket(`${scheme}://${location.host}/ws?batch=1`);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      if (ws !== this.ws) return;
      opened = true;
      this.failures = 0;
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.sendFrame({ type: 'subscribe', channels: this.subscriptions() });
      this.startHeartbeat();
      this.setState('open');
    };
    ws.onmessage = (e) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      for (const line of String(e.data).split('\n')) {
        let frame;
        try {
          frame = JSON.parse(line);
        } catch {
          continue;
        }
        this.dispatch(frame);
      }
    };
    ws.onclose = (e) => {
      if (ws !== this.ws) return;
      if (!opened) this.failures++;
      this.drop();
      // 4003: the session ended (signed out here or elsewhere, or expired);
      // the app asks whether it is still signed in instead of retrying blindly.
      if (e.code === CLOSE_SESSION_ENDED) {
        this.onEvent({ type: 'error', code: 'unauthenticated', message: 'The session ended.' });
      }
      this.scheduleRetry();
    };
  }

  dispatch(frame) {
    if (frame.type === 'pong') return;
    if (frame.type === 'ack' || frame.type === 'error') {
      const pending = frame.client_message_id && this.acks.get(frame.client_message_id);
      if (pending) {
        this.acks.delete(frame.client_message_id);
        clearTimeout(pending.timer);
        if (frame.type === 'ack') pending.resolve(frame);
        else {
          const error = frame.error || frame;
          pending.reject(new RealtimeError(error.code || 'error', error.message || 'The server refused.'));
        }
        return;
      }
    }
    this.onEvent(frame);
  }

  sendFrame(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  startHeartbeat() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > SILENCE_MS) {
        this.drop();
        this.scheduleRetry();
        return;
      }
      this.sendFrame({ type: 'ping' });
    }, PING_EVERY_MS);
  }

  // Forgets the current socket at once (its late events are ignored) and fails pending acks.
  drop() {
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      try {
        ws.close();
      } catch {
        // closing a socket that never opened can throw in some browsers
      }
    }
    for (const [id, pending] of this.acks) {
      clearTimeout(pending.timer);
      pending.reject(new RealtimeError('disconnected', 'The connection closed before the server confirmed.'));
      this.acks.delete(id);
    }
  }

  scheduleRetry() {
    if (this.stopped) return;
    if (navigator.onLine === false) {
      this.setState('offline');
      return;
    }
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.setState('waiting', delay);
  }

  setState(state, retryInMs = 0) {
    this.state = state;
    this.onState({ state, failures: this.failures, retryInMs });
  }
}
