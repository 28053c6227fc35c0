// App's memberships (see main.js): joining, leaving, making and opening
// channels and conversations, adding and removing people, muting, and who
// can be mentioned. These are App's own methods, in their own file; `this`
// is the App.

import { api } from './api.js';
import { ChannelState, channelLabel } from './channel-state.js';
import { describeError as describe } from './outbox.js';
import { confirmDialog } from './dialogs.js';
import { $ } from './dom.js';

export const membershipMethods = {
  async join(id) {
    const result = await api.join(id);
    const channel = result.channel || { id };
    let ch = this.channels.get(id);
    if (!ch) {
      ch = new ChannelState(id, channel.name || '');
      this.channels.set(id, ch);
    }
    ch.member = true;
    if (result.channel) {
      ch.info = result.channel;
      ch.absorb(result.channel, this.me.id);
    }
    if (this.realtime) this.realtime.subscribe([ch.subscription()]);
    this.renderSidebar();
    if (id === this.activeId) this.renderHeader(ch);
  },

  async joinActive() {
    try {
      await this.join(this.activeId);
      this.view.focusComposer();
    } catch (err) {
      this.view.showComposerError(`Could not join: ${describe(err)}`);
    }
  },

  async leaveActive() {
    const ch = this.channels.get(this.activeId);
    if (!ch) return;
    // The last member of a private channel: leaving archives it, and nobody could open it again.
    if (ch.private && ch.info && ch.info.user_count <= 1) {
      const text = `You are the last member of ${channelLabel(ch)}. Leaving archives it: nobody will be able to open it again.`;
      if (!(await confirmDialog(text, 'Leave and archive'))) return;
    }
    try {
      await api.leave(ch.id);
    } catch (err) {
      this.view.showComposerError(`Could not leave: ${describe(err)}`);
      return;
    }
    this.channels.delete(ch.id);
    if (this.realtime) this.realtime.unsubscribe([ch.id]);
    history.replaceState(null, '', location.pathname);
    this.route();
    $('browse-open').focus();
  },

  created(channel) {
    this.adopt(channel);
    this.focusComposerOnOpen = true;
    this.navigate(channel.id);
  },

  // A channel this user is now in (made, opened, or added to by someone):
  // known, listed and subscribed. Returns its state.
  adopt(channel) {
    let ch = this.channels.get(channel.id);
    const fresh = !ch || !ch.member;
    if (!ch) {
      ch = new ChannelState(channel.id, channel.name);
      this.channels.set(channel.id, ch);
    }
    ch.member = true;
    ch.info = { ...(ch.info || {}), ...channel };
    ch.absorb(channel, this.me.id);
    if (fresh && this.realtime) this.realtime.subscribe([ch.log.loaded ? { id: ch.id, after: ch.log.newestId } : { id: ch.id }]);
    this.renderSidebar();
    if (ch.id === this.activeId) this.renderHeader(ch);
    return ch;
  },

  // Opens the conversation with people named by id or name ({user_ids} or {user_names}).
  async openConversation(people) {
    const { channel } = await api.openConversation(people);
    this.adopt(channel);
    this.focusComposerOnOpen = true;
    this.navigate(channel.id);
  },

  async removeMember(member) {
    const ch = this.channels.get(this.activeId);
    if (!ch || !(await confirmDialog(`Remove ${member.user_name} from ${channelLabel(ch)}?`, 'Remove'))) return;
    try {
      await api.removeMember(ch.id, member.user_id);
      this.members.remove(member.user_id);
    } catch (err) {
      this.view.showComposerError(`Could not remove ${member.user_name}: ${describe(err)}`);
    }
  },

  // Adds people to the open private channel, by name; reports who could not be added.
  async addPeople(names) {
    const id = this.activeId;
    const failed = [];
    for (const name of names) {
      try {
        await api.addMember(id, name);
      } catch (err) {
        failed.push(`${name}: ${describe(err)}`);
      }
    }
    const ch = this.channels.get(id);
    if (ch) this.refreshInfo(ch).catch(() => {});
    if (failed.length) throw new Error(`Not added: ${failed.join('; ')}`);
  },

  async toggleMute() {
    const ch = this.channels.get(this.activeId);
    if (!ch) return;
    try {
      await api.mute(ch.id, !ch.muted);
      ch.muted = !ch.muted;
    } catch (err) {
      this.view.showComposerError(`Could not change it: ${describe(err)}`);
    }
    this.renderHeader(ch);
    this.renderSidebar();
  },

  // Who can be mentioned in the open channel: a conversation's people, or
  // the channel's members (the first 100, read once per channel).
  async mentionable() {
    const ch = this.channels.get(this.activeId);
    if (!ch) return [];
    const others = (people) => people.filter((p) => p.user_id !== this.me.id);
    if (ch.isConversation) return others(ch.participants);
    if (!ch.mentionable) ch.mentionable = api.members(ch.id, '', 100).then((page) => page.members || []).catch(() => []);
    return others(await ch.mentionable);
  },
};
