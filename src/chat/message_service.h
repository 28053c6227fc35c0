// MessageService: sending (the notebook's send_message, made atomic and
// idempotent), history (AP3, newest first, paged), catching up after a
// reconnect, editing and deleting one's own messages, unread counts.
//
// A send is one transaction: the message item, MessageCount + 1 on the
// channel, a check that the sender is a member and, with a client message id,
// a guard item that makes a retried send return the first message instead of
// writing a second. A delete leaves a tombstone (Deleted, no text) in place
// and takes one from MessageCount, so history pages and counts stay right.
//
// Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "chat/channel_service.h"
#include "chat/events.h"
#include "chat/file_service.h"
#include "chat/message_id.h"
#include "chat/model.h"
#include "chat/presence_view.h"
#include "chat/store.h"

namespace townhall::chat {

class MessageService {
 public:
  MessageService(ChatStore& store, ChannelService& channels, FileService& files, ChannelEvents* events);
  // Who is online, for "@here"; nullptr (the default): nobody is. Set before use; must outlive this.
  void set_presence(const PresenceView* presence) { presence_ = presence; }

  struct Sent {
    Message message;
    bool duplicate = false;  // a retry of an earlier send with the same client message id
  };
  Result<Sent> send(const User& actor, std::string_view channel, std::string_view text,
                    std::string_view client_message_id = {});
  struct SendOptions {
    std::string_view client_message_id;
    // Reply in the thread of this message (either id form); a reply to a
    // reply joins its root's thread. The root must not be deleted.
    std::string_view thread_root;
    bool also_in_channel = false;  // a reply also shown in the channel's history
    // Users mentioned (ids, up to kMaxMentions); only the channel's members
    // count (chat/mentions.h). nullptr: none.
    const std::vector<std::string>* mentions = nullptr;
    // "@channel": every member (chat/mentions.h has who may, in large channels).
    bool mention_channel = false;
    // "@here": the members online now (chat/mentions.h has the rule).
    bool mention_here = false;
    // Files actor uploaded to this channel and has not sent yet (ids; chat/file_service.h).
    // With files the text may be empty. nullptr: none.
    const std::vector<std::string>* files = nullptr;
  };
  Result<Sent> send(const User& actor, std::string_view channel, std::string_view text,
                    const SendOptions& options);
  // AP3: newest first; pass next_cursor back for older messages. Thread
  // replies are left out unless also sent to the channel (a page may then
  // hold fewer than `limit`; follow next_cursor).
  Result<Page<Message>> history(const User& actor, std::string_view channel, std::string_view cursor,
                                int limit);
  // Messages after message id `after` (exclusive), oldest first: what a
  // client missed, thread replies included (they carry thread_root). An empty `after` starts at the channel's
  // first message. next_cursor is set when more follow (pass the last id as `after`).
  Result<Page<Message>> after(const User& actor, std::string_view channel, std::string_view after, int limit);
  // The history around one message (a search hit's context), as history
  // shows it: newest first, the message itself included (unless it is a
  // thread reply only in its thread), up to limit/2 older and limit/2 newer.
  // next_cursor continues to older messages (history's cursor); newer_after,
  // when set, is the id to pass to after() for the newer ones not shown.
  struct Around {
    Page<Message> page;
    std::string newer_after;
  };
  Result<Around> around(const User& actor, std::string_view channel, std::string_view message_id, int limit);
  // mentions: the edited text's mentions (ids); nullptr keeps those whose
  // "@name" is still in the text. A removed mention stops counting.
  Result<Message> edit(const User& actor, std::string_view channel, std::string_view message_id,
                       std::string_view text, const std::vector<std::string>* mentions = nullptr);
  Result<Message> remove(const User& actor, std::string_view channel, std::string_view message_id);

  // AP32: the messages that mention actor, newest first, across the
  // channels actor can still read. In chat/mentions.cc.
  Result<Page<Message>> mentions(const User& actor, std::string_view cursor, int limit);

  struct Thread {
    Message root;
    Page<Message> replies;  // oldest first
  };
  // AP30: a thread: its root and a page of replies, oldest first. A reply's
  // id opens its root's thread. In chat/threads.cc.
  Result<Thread> thread(const User& actor, std::string_view channel, std::string_view message_id,
                        std::string_view cursor, int limit);
  // Adds (on) or removes actor's reaction on a message actor can read. Both
  // are idempotent (a retry changes nothing); a deleted message refuses new
  // reactions (FailedPrecondition), as does a message with
  // kMaxReactionsPerMessage other emoji. Returns the message with all its
  // reactions, which everyone watching the channel receives too.
  Result<Message> react(const User& actor, std::string_view channel, std::string_view message_id,
                        std::string_view reaction, bool on);
  // Messages after actor's read marker, not counting actor's own or deleted
  // ones; counts up to `cap` (a badge shows "cap+").
  Result<int64_t> unread_count(const User& actor, std::string_view channel, int64_t cap = 100);
  // The same for several channels of actor's (up to 100), in their order,
  // with what else actor's membership items say: one batch read of the
  // memberships (read marker, where a client draws its "New messages" line;
  // muted), then per channel one bounded count of the messages after the
  // marker (AP20, which also counts the "@channel" ones) and one of the
  // mentions by name. A channel actor no longer belongs to reads all 0;
  // store errors are errors, never a silent 0.
  struct ReadState {
    int64_t unread = 0;
    std::string last_read;  // a message id; empty when none
    bool muted = false;
    int64_t mentions = 0;  // messages after the marker that mention actor, up to cap
  };
  Result<std::vector<ReadState>> read_states(const User& actor, const std::vector<std::string>& channel_ids,
                                             int64_t cap = 100);

 private:
  Result<Sent> resend(const User& actor, const std::string& channel_id, std::string_view client_message_id);
  // The root a reply to message_id belongs in (flattened: a reply's root),
  // checked readable by actor and not deleted. In chat/threads.cc.
  Result<std::string> thread_root_for(const User& actor, const std::string& channel_id,
                                      std::string_view message_id);
  // Messages of the channel after last_read (empty: all), not actor's own
  // or deleted ones, up to cap; and how many of them are "@channel".
  struct Unread {
    int64_t messages = 0;
    int64_t channel_mentions = 0;
  };
  Result<Unread> count_after(const User& actor, const std::string& channel_id, const std::string& last_read,
                             int64_t cap);
  // Counts the items a query returns, over its pages, up to cap, but the one
  // whose SK is skip_sk (a marker itself); each, if given, sees every one counted.
  Result<int64_t> count_items(ddb::QueryRequest query, const std::string& skip_sk, int64_t cap,
                              const std::function<void(const ddb::AttributeMap&)>& each = {});
  Result<Message> read_message(const std::string& channel_id, std::string_view message_id);
  // chat/mentions.cc: the members among user_ids (deduplicated, at most
  // kMaxMentions), with their names; the writes that add or drop the
  // mention items of a message (never for its author); the count after a marker.
  Result<std::vector<Participant>> resolve_mentions(const std::string& channel_id,
                                                    const std::vector<std::string>& user_ids);
  void mention_actions(std::vector<ddb::TransactWriteItem>& actions, const std::string& channel_id,
                       const std::string& message_id, const std::string& author_id,
                       const std::vector<Participant>& mentions, bool add) const;
  Result<int64_t> count_mentions(const User& actor, const std::string& channel_id,
                                 const std::string& last_read, int64_t cap);
  // Whether actor may mention all of the channel (PermissionDenied otherwise).
  Status check_mention_channel(const User& actor, const std::string& channel_id);
  // "@here": the channel's members online now but actor (PermissionDenied in a large channel).
  Result<std::vector<Participant>> members_here(const User& actor, const std::string& channel_id);
  Result<Message> explain_failed_change(const User& actor, const std::string& channel_id,
                                        std::string_view message_id);
  void publish(ChannelEvent::Kind kind, const Message& message);

  ChatStore& store_;
  ChannelService& channels_;
  FileService& files_;
  ChannelEvents* events_;
  const PresenceView* presence_ = nullptr;
  MessageIdGenerator ids_;
};

}  // namespace townhall::chat
