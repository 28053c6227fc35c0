// The Townhall web client. App keeps the page's state (the signed-in user,
// their channels, each channel's messages) and connects the views to the REST
// API (api.js) and the live connection (realtime.js).
//
// Message flow: a channel's newest page comes over REST when it is first
// opened; from then on live events and catch-up replays (after a reconnect)
// extend it, older pages come on scroll. Every copy of a message goes through
// ingest(), which dedupes by id and keeps the counts and badges right.
//
// App's methods live in nine files: this one (boot, channels shown),
// app-history.js (a channel's newest and older pages), app-sending.js
// (sending, editing, deleting, reacting), app-live.js (the connection and
// live events), app-membership.js (joining, leaving, conversations, people,
// muting), app-reading.js (read markers and the "New messages" line) and
// app-search.js (opening a search hit: the history around a message),
// app-account.js (signing in, up and out, passwords, the user's role) and
// app-moderation.js (what admins and channel creators see and do).
// Presence dots and the away status are presence.js's.

import { api, ApiError, hasSessionCookie, uploadFile } from './api.js';
import { Realtime } from './realtime.js';
import { ChannelState, membershipOf, channelLabel } from './channel-state.js';
import { Outbox } from './outbox.js';
import { MessageView } from './message-view.js';
import { Sidebar, channelHref, setFaviconBadge } from './sidebar.js';
import { MembersPanel } from './members-panel.js';
import { BrowseDialog, CreateDialog, EditChannelDialog, confirmDialog } from './dialogs.js';
import { PeopleDialog } from './people-dialog.js';
import { ThreadPanel } from './thread-panel.js';
import { Typing } from './typing.js';
import { Presence, watchedUsers } from './presence.js';
import { Notifier } from './notifier.js';
import { MentionsDialog } from './mentions-dialog.js';
import { SearchPanel } from './search-panel.js';
import { AuthView } from './auth-view.js';
import { liveMethods } from './app-live.js';
import { membershipMethods } from './app-membership.js';
import { readingMethods } from './app-reading.js';
import { searchMethods } from './app-search.js';
import { historyMethods } from './app-history.js';
import { sendingMethods } from './app-sending.js';
import { AttachmentTray } from './attachments.js';
import { setUpLightbox } from './files-view.js';
import { accountMethods, takeLink } from './app-account.js';
import { moderationMethods } from './app-moderation.js';
import { UserMenu, ChangePasswordDialog } from './user-menu.js';
import { AdminPanel } from './admin-panel.js';
import { $, show, plural } from './dom.js';

const BOOT_RETRY_MS = 3000;
// Where the side panels lie over the conversation (chat.css: max-width 1000px).
const PANEL_OVER_CONTENT = window.matchMedia('(max-width: 1000px)');

class App {
  constructor() {
    this.me = null;
    this.channels = new Map(); // id -> ChannelState
    this.activeId = '';
    this.realtime = null;
    this.everOpen = false;
    this.focusComposerOnOpen = false; // after creating or joining a channel
    this.readTimer = 0;
    this.resyncTimer = 0;
    this.pendingJump = null; // a search hit to open when its channel opens (app-search.js)

    this.link = takeLink(); // an invite or reset link's token ({invite} or {reset})
    this.sessionSwap = null; // a password change under way (app-account.js)
    this.auth = new AuthView({ submit: (mode, fields) => this.authenticate(mode, fields), team: () => api.team() });
    this.presence = new Presence({
      send: (frame) => this.realtime && this.realtime.sendFrame(frame),
      watched: () => watchedUsers({ meId: this.me?.id, channels: this.channels.values(), members: this.members.ids }),
    });
    this.sidebar = new Sidebar({ dot: (ch) => this.presence.conversationDot(ch) });
    this.view = new MessageView({
      onSend: (text, mentions) => this.send(text, mentions),
      onEdit: (id, text) => this.edit(id, text),
      onDelete: (id) => this.remove(id),
      onReact: (id, emoji, on) => this.react(id, emoji, on),
      onOpenThread: (rootId) => this.openThread(rootId),
      onTyping: () => this.typing.typed(this.activeId),
      people: () => this.mentionable(),
      onRetry: (cmid) => this.retry(cmid),
      onDiscard: (cmid) => this.discard(cmid),
      onLoadOlder: () => this.loadOlder(),
      onLoadNewer: () => this.loadNewer(),
      onJumpToPresent: () => this.jumpToPresent(),
      onReadBottom: () => this.scheduleRead(),
      confirm: confirmDialog,
      attachments: () => this.attachments.state(this.activeId),
    });
    this.attachments = new AttachmentTray({
      upload: uploadFile,
      canAttach: () => Boolean(this.channels.get(this.activeId)?.member),
      showError: (text) => this.view.showComposerError(text),
      onChange: () => this.view.attachmentsChanged(),
      onUnauthorized: () => this.sessionEnded(),
      keepingBottom: (change) => this.view.keepingBottom(change),
    });
    setUpLightbox();
    this.outbox = new Outbox({
      send: (id, text, cmid, mentions, files) => api.send(id, text, cmid, mentions, files),
      realtime: () => this.realtime,
      onChanged: (ch, entry) => {
        if (ch.id === this.activeId) this.view.updatePending(entry);
      },
      onConfirmed: (ch, entry, message) => {
        this.attachments.sent(ch.id, entry.clientMessageId); // its files are shared
        if (ch.log.pending.delete(entry.clientMessageId) && ch.id === this.activeId) {
          this.view.removePending(entry.clientMessageId);
        }
        if (message) this.ingest(ch, message, 'message.created');
      },
      onUnauthorized: () => this.sessionEnded(),
    });
    this.members = new MembersPanel({
      loadPage: (id, cursor) => api.members(id, cursor),
      onToggle: (open) => {
        if (open) this.thread.close(); // one side panel at a time
        this.syncPanelScrim();
      },
      onMessage: (member) => this.openConversation({ user_ids: [member.user_id] }),
      isMe: (userId) => userId === this.me?.id,
      onRemove: (member) => this.removeMember(member),
      dot: (userId) => this.presence.dot(userId),
      onListed: () => this.presence.changed(),
    });
    this.thread = new ThreadPanel({
      load: (id, rootId, cursor) => api.thread(id, rootId, cursor),
      reply: (id, rootId, text, alsoInChannel, cmid, mentions) =>
        api.reply(id, rootId, text, alsoInChannel, cmid, mentions),
      people: () => this.mentionable(),
      onEdit: (id, text) => this.edit(id, text),
      onDelete: (id) => this.remove(id),
      onReact: (id, emoji, on) => this.react(id, emoji, on),
      confirm: confirmDialog,
      me: () => this.me,
      onToggle: (open) => {
        if (open && this.members.isOpen) this.members.setOpen(false);
        this.syncPanelScrim();
      },
    });
    this.typing = new Typing({
      send: (channelId) => this.realtime && this.realtime.sendFrame({ type: 'typing', channel: channelId }),
      activeId: () => this.activeId,
      meId: () => this.me && this.me.id,
    });
    this.notifier = new Notifier({ open: (id) => this.navigate(id) });
    this.mentionsView = new MentionsDialog({
      load: (cursor) => api.mentions(cursor),
      channelName: (id) => {
        const ch = this.channels.get(id);
        return ch ? channelLabel(ch) : '';
      },
      onOpen: (id) => this.navigate(id),
      me: () => this.me,
    });
    $('mentions-open').addEventListener('click', () => this.mentionsView.open());
    this.search = new SearchPanel({
      search: (q, cursor) => api.search(q, { cursor }),
      onPick: (hit) => this.openHit(hit),
      fatal: (err) => err instanceof ApiError && err.status === 401,
    });
    this.people = new PeopleDialog({
      run: (mode, names) => (mode === 'add' ? this.addPeople(names) : this.openConversation({ user_names: names })),
    });
    this.browse = new BrowseDialog({
      search: (q, cursor) => api.directory(q, cursor),
      isMember: (id) => Boolean(this.channels.get(id)?.member),
      onJoin: (id) => this.join(id),
      onOpen: (id) => {
        this.focusComposerOnOpen = true;
        this.navigate(id);
      },
    });
    this.create = new CreateDialog({
      create: async (name, description, isPrivate) => (await api.createChannel(name, description, isPrivate)).channel,
      onCreated: (channel) => this.created(channel),
    });

    this.editChannel = new EditChannelDialog({
      save: async (name, description) => {
        const ch = this.channels.get(this.activeId);
        const { channel } = await api.updateChannel(ch.id, name, description);
        this.onChannelUpdated(ch, channel);
      },
    });
    $('channel-mute').addEventListener('click', () => this.toggleMute());
    $('channel-edit').addEventListener('click', () => {
      const ch = this.channels.get(this.activeId);
      if (ch && ch.info) this.editChannel.open(ch.info);
    });
    $('browse-open').addEventListener('click', () => this.browse.open());
    $('create-open').addEventListener('click', () => this.create.open());
    $('dm-open').addEventListener('click', () => this.people.open('conversation'));
    $('members-add').addEventListener('click', () => this.people.open('add'));
    $('logout').addEventListener('click', () => this.logout());
    this.admin = new AdminPanel({
      me: () => this.me,
      onUnauthorized: (reason) => this.sessionEnded(reason),
      onForbidden: () => this.refreshMe(),
    });
    this.passwordDialog = new ChangePasswordDialog({ save: (current, password) => this.changePassword(current, password) });
    this.userMenu = new UserMenu({ onPassword: () => this.passwordDialog.open(), onAdmin: () => this.admin.open() });
    $('channel-archive').addEventListener('click', () => this.toggleArchive());
    $('reconnect-now').addEventListener('click', () => this.realtime && this.realtime.reconnectNow());
    // A side panel closes with Escape wherever the focus is, and by a tap beside it on narrow screens.
    $('panel-scrim').addEventListener('click', () => this.closePanels());
    document.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
      if (this.members.isOpen || this.thread.isOpen) this.closePanels();
    });
    PANEL_OVER_CONTENT.addEventListener('change', () => this.syncPanelScrim());
    $('join-channel').addEventListener('click', () => this.joinActive());
    $('leave-channel').addEventListener('click', () => this.leaveActive());
    window.addEventListener('hashchange', () => this.route());
    document.addEventListener('visibilitychange', () => {
      this.scheduleRead();
      if (document.visibilityState === 'visible' && this.me) this.refreshMe(); // a new role, or deactivated
    });
    window.addEventListener('focus', () => this.scheduleRead());
    window.addEventListener('unhandledrejection', (e) => {
      if (e.reason instanceof ApiError && e.reason.status === 401) this.sessionEnded(e.reason.message);
    });
  }

  closePanels() {
    const focusBack = this.members.isOpen ? $('members-toggle') : $('composer-input');
    if (this.members.isOpen) this.members.setOpen(false);
    this.thread.close();
    focusBack.focus();
  }

  syncPanelScrim() {
    show($('panel-scrim'), PANEL_OVER_CONTENT.matches && (this.members.isOpen || this.thread.isOpen));
  }

  // --- session ---

  // A reset link always shows its form; an invite link shows the sign-up
  // form to a browser that is not signed in.
  async boot() {
    if (!hasSessionCookie() || this.link.reset) {
      this.showSignIn();
      return;
    }
    try {
      const { user } = await api.me();
      await this.enter(user);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        this.showSignIn();
        return;
      }
      $('boot').textContent = `Cannot reach Townhall (${err.message}). Retrying…`;
      setTimeout(() => this.boot(), BOOT_RETRY_MS);
    }
  }

  async enter(user) {
    this.me = user;
    show($('boot'), false);
    this.auth.hide();
    show($('chat-view'), true);
    $('me-name').textContent = user.name;
    this.applyRole();
    this.presence.start(user.id);
    this.focusComposerOnOpen = true; // signed in (or back): ready to write
    await this.loadMyChannels();
    this.realtime = new Realtime({
      subscriptions: () => this.subscriptions(),
      onEvent: (event) => this.onEvent(event),
      onState: (state) => this.onConnection(state),
    });
    this.realtime.start();
    this.route();
  }

  // --- channels ---

  async loadMyChannels() {
    const listed = new Set();
    let cursor = '';
    do {
      const page = await api.myChannels(cursor);
      for (const raw of page.channels || []) {
        const entry = membershipOf(raw);
        listed.add(entry.id);
        let ch = this.channels.get(entry.id);
        if (!ch) {
          ch = new ChannelState(entry.id, entry.name);
          this.channels.set(entry.id, ch);
        }
        ch.member = true;
        ch.absorb(entry, this.me.id);
        if (entry.unread !== undefined && entry.id !== this.activeId) ch.unread = entry.unread;
        if (entry.last_read !== undefined && entry.last_read > ch.lastRead) ch.lastRead = entry.last_read;
        if (entry.muted !== undefined) ch.muted = Boolean(entry.muted);
        if (entry.mentions !== undefined && entry.id !== this.activeId) ch.mentions = entry.mentions;
      }
      cursor = page.next_cursor || '';
    } while (cursor);
    for (const ch of this.channels.values()) if (!listed.has(ch.id)) ch.member = false;
    this.renderSidebar();
  }

  // Channels by name; conversations by latest activity, newest first.
  renderSidebar() {
    const mine = [...this.channels.values()].filter((ch) => ch.member);
    const byName = (a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
    const channels = mine.filter((ch) => !ch.isConversation).sort(byName);
    const conversations = mine
      .filter((ch) => ch.isConversation)
      .sort((a, b) => b.lastActivity - a.lastActivity || byName(a, b));
    this.sidebar.render(channels, conversations, this.activeId);
    this.presence.changed(); // conversations come and go
    const unread = mine.reduce((sum, ch) => sum + (ch.id === this.activeId || ch.muted ? 0 : ch.unread), 0);
    // The tab's badge: mentions, and every unread message of a conversation (they are all for this user).
    setFaviconBadge(mine.reduce((sum, ch) => {
      if (ch.id === this.activeId || ch.muted) return sum;
      return sum + (ch.isConversation ? ch.unread : ch.mentions);
    }, 0));
    const active = this.channels.get(this.activeId);
    document.title = `${unread ? `(${unread}) ` : ''}${active ? `${channelLabel(active)} · ` : ''}Townhall`;
  }

  navigate(id) {
    const href = channelHref(id);
    if (location.hash === href) this.route();
    else location.hash = href;
  }

  route() {
    if (!this.me) return;
    const match = /^#\/c\/(.+)$/.exec(location.hash);
    if (match) {
      this.openChannel(decodeURIComponent(match[1]));
      return;
    }
    const first = [...this.channels.values()].filter((ch) => ch.member).sort((a, b) => a.name.localeCompare(b.name))[0];
    if (first) {
      history.replaceState(null, '', channelHref(first.id));
      this.openChannel(first.id);
    } else {
      this.closeChannel();
    }
  }

  // A public channel looked at without joining is dropped when left behind.
  forgetPreview() {
    const previous = this.channels.get(this.activeId);
    if (!previous || previous.member) return;
    this.channels.delete(previous.id);
    if (this.realtime) this.realtime.unsubscribe([previous.id]);
  }

  closeChannel(note = 'Pick a channel on the left, browse the public ones, or start a new one.') {
    this.forgetPreview();
    this.leaveHistory();
    this.activeId = '';
    this.attachments.setChannel('');
    show($('channel-pane'), false);
    show($('no-channel'), true);
    $('no-channel').querySelector('p').textContent = note;
    this.members.reset('');
    this.renderSidebar();
  }

  async openChannel(id) {
    let ch = this.channels.get(id);
    if (!ch) {
      // Not one of ours: a public channel seen before joining.
      ch = new ChannelState(id, '');
      ch.member = false;
      this.channels.set(id, ch);
    }
    const switching = this.activeId !== id;
    if (switching) {
      this.forgetPreview();
      this.leaveHistory();
    }
    this.activeId = id;
    this.sidebar.setOpen(false);
    const unreadAtOpen = switching && ch.member ? ch.unread : 0;
    ch.unread = 0;
    ch.mentions = 0;
    show($('no-channel'), false);
    show($('channel-pane'), true);
    this.renderHeader(ch);
    this.renderSidebar();
    if (switching) {
      this.thread.close();
      this.typing.render();
      this.view.show(ch.log, this.me, channelLabel(ch), ch.isConversation ? 'conversation' : 'channel');
      this.attachments.setChannel(id);
      this.members.reset(id);
    }
    if (this.focusComposerOnOpen && ch.member) this.view.focusComposer();
    this.focusComposerOnOpen = false;
    if (!ch.member && this.realtime) this.realtime.subscribe([{ id }]);
    const info = this.refreshInfo(ch);
    const jump = this.takeJump(id);
    if (jump) await this.loadAround(ch, jump);
    else if (!ch.log.loaded && !ch.loading) await this.loadNewest(ch);
    else this.scheduleRead();
    if (unreadAtOpen > 0 && ch.id === this.activeId) this.markFirstUnread(ch);
    await info;
  }

  async refreshInfo(ch) {
    try {
      const { channel } = await api.channel(ch.id);
      ch.info = channel;
      ch.absorb(channel, this.me.id);
      if (ch.id === this.activeId) {
        this.renderHeader(ch);
        this.view.setChannelName(channelLabel(ch));
      }
      this.renderSidebar();
    } catch (err) {
      if (!(err instanceof ApiError) || ![403, 404].includes(err.status)) throw err;
      // Gone, or private and not ours (any more).
      this.channels.delete(ch.id);
      if (ch.id === this.activeId) this.closeChannel('That channel does not exist, or you cannot see it.');
    }
  }

  renderHeader(ch) {
    const info = ch.info;
    $('channel-name').textContent = ch.name ? channelLabel(ch, { heading: true }) : '…';
    $('channel-description').textContent = info ? info.description || '' : '';
    $('channel-members-count').textContent = info ? plural(info.user_count || 0, 'member') : '';
    $('channel-message-count').textContent = info ? plural(info.message_count || 0, 'message') : '';
    show($('channel-stats'), Boolean(info));
    this.members.setCount(info ? info.user_count || 0 : undefined);
    show($('join-channel'), !ch.member);
    show($('channel-mute'), ch.member);
    $('channel-mute').textContent = ch.muted ? 'Unmute' : 'Mute';
    $('channel-mute').setAttribute('aria-pressed', String(ch.muted));
    // A conversation's people are fixed: nobody leaves it or is added to it.
    show($('leave-channel'), ch.member && !ch.isConversation);
    show($('members-add'), ch.member && ch.private && !ch.isConversation);
    show($('composer'), ch.member);
    this.renderModeration(ch); // edit, archive, removing members; an archived channel's notice
    // Reading a public channel before joining: nothing to act with.
    $('message-list').classList.toggle('message-list--readonly', !ch.member);
  }

  subscriptions() {
    const list = [];
    for (const ch of this.channels.values()) {
      if (!ch.member && ch.id !== this.activeId) continue;
      list.push(ch.subscription());
    }
    return list;
  }

  // --- live events ---

  // replyId: a reply to show (a search hit).
  openThread(rootId, replyId = '') {
    const ch = this.channels.get(this.activeId);
    if (!ch) return;
    this.thread.setCanAct(ch.member && !ch.info?.archived_at);
    this.thread.open(ch.id, rootId, replyId);
  }

}

// The history, the sending, the live side, the memberships, the reading, search, the account and
// moderation are App's methods too, in their own files.
Object.assign(App.prototype, historyMethods, sendingMethods, liveMethods, membershipMethods, readingMethods, searchMethods,
  accountMethods, moderationMethods);

new App().boot();
