// App's moderation (see main.js): the channel controls an admin, the owner
// or a channel's creator sees (edit, archive, removing members), an archived
// channel's notice and closed composer, and the admin panel. The server
// checks every action again; these only choose what to show. App's own
// methods, in their own file; `this` is the App.

import { api } from './api.js';
import { channelLabel } from './channel-state.js';
import { describeError as describe } from './outbox.js';
import { confirmDialog } from './dialogs.js';
import { $, show } from './dom.js';
import { isModerator } from './roles.js';

export const moderationMethods = {
  // The open channel's header controls and composer, for this user's role.
  renderModeration(ch) {
    const info = ch.info;
    const channel = !ch.isConversation && Boolean(info);
    const creator = channel && info.created_by === this.me.id;
    const moderator = isModerator(this.me);
    const archived = Boolean(info && info.archived_at);
    // Its creator and admins rename it and change its topic (conversations have neither).
    show($('channel-edit'), channel && !archived && ((ch.member && creator) || moderator));
    const archive = $('channel-archive');
    show(archive, channel && (creator || moderator));
    archive.textContent = archived ? 'Unarchive' : 'Archive';
    // A private channel's creator removes people; admins remove them from any channel.
    this.members.setRemovable(channel && ((ch.member && ch.private && creator) || moderator));
    const notice = $('archived-notice');
    notice.textContent = archived ? `${channelLabel(ch)} is archived: it takes no new messages.` : '';
    show(notice, archived);
    for (const id of ['composer-input', 'composer-send', 'attach-button']) $(id).disabled = archived;
  },

  async toggleArchive() {
    const ch = this.channels.get(this.activeId);
    if (!ch || !ch.info) return;
    const archiving = !ch.info.archived_at;
    if (archiving) {
      const text = `Archive ${channelLabel(ch)}? It stays readable, but nobody can write in it until it is unarchived.`;
      if (!(await confirmDialog(text, 'Archive'))) return;
    }
    try {
      const { channel } = await api.archiveChannel(ch.id, archiving);
      this.onChannelUpdated(ch, channel);
    } catch (err) {
      this.view.showComposerError(`Could not ${archiving ? 'archive' : 'unarchive'} it: ${describe(err)}`);
    }
  },

  // A channel object replaces what the page knew: a field it lacks (archived_at) is gone.
  replaceInfo(ch, channel) {
    const next = { ...(ch.info || {}), ...channel };
    if (channel.id && !('archived_at' in channel)) delete next.archived_at;
    ch.info = next;
  },
};
