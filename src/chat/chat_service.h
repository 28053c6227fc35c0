// ChatService: the chat domain in one object. It owns the services over one
// table and one ddb::Database (the embedded engine or a remote DynamoDB).
//
//   ChatService chat(db, options, &hub);
//   TH_RETURN_IF_ERROR(chat.ensure_table());
//   auto user = chat.accounts().sign_up("Alice", "alice@mail.com", "password");
//
// Thread-safe; the Database and the ChannelEvents sink must outlive it.
#pragma once

#include "chat/account_service.h"
#include "chat/channel_service.h"
#include "chat/events.h"
#include "chat/message_service.h"
#include "chat/options.h"
#include "chat/store.h"
#include "chat/team_service.h"

namespace townhall::chat {

class ChatService {
 public:
  ChatService(ddb::Database& db, ChatOptions options, ChannelEvents* events = nullptr);

  // Creates the table with the notebook's schema (PK/SK, GSI1 with INCLUDE
  // ChanName, JoinedAt) if it is missing and waits until it is ACTIVE; if it
  // exists, checks that its schema is the notebook's (FailedPrecondition if not).
  Status ensure_table();
  // Turns on the table's Time to Live on ExpiresAt (sessions, send guards)
  // if it has none, so that the store deletes them once expired. The server
  // calls it; expiry is also checked on every read, so a store without TTL
  // (or TTL on another attribute: left alone) only keeps them longer.
  // Returns whether TTL is now on ExpiresAt.
  Result<bool> enable_expiry();

  AccountService& accounts() { return accounts_; }
  TeamService& team() { return team_; }
  ChannelService& channels() { return channels_; }
  MessageService& messages() { return messages_; }
  FileService& files() { return files_; }
  // Who is online, for "@here" (the realtime layer's Presence); nullptr: nobody.
  void set_presence(const PresenceView* presence) { messages_.set_presence(presence); }
  const ChatOptions& options() const { return store_.options(); }

 private:
  ChatStore store_;
  TeamService team_;
  AccountService accounts_;
  ChannelService channels_;
  FileService files_;
  MessageService messages_;
};

}  // namespace townhall::chat
