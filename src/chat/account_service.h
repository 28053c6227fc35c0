// AccountService: users (the notebook's save_user and find_user, AP6),
// credentials and sessions.
//
// Passwords are hashed with Argon2id (libsodium) and kept in their own item
// (PK USER#<id>, SK LOGIN), so the notebook's find_user never returns them.
// E-mail addresses and user names (up to case, chat/names.h) are unique:
// guard items are written in the same transaction as the user. Sign-up
// answers a taken name and a taken e-mail alike, so it does not tell who
// has an account. Session tokens are 256 random bits, returned once
// and stored only as their SHA-256.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/events.h"
#include "chat/model.h"
#include "chat/store.h"

namespace townhall::chat {

class AccountService {
 public:
  // events (may be null) learns of ended sessions.
  AccountService(ChatStore& store, ChannelEvents* events);

  Result<User> sign_up(std::string_view name, std::string_view email, std::string_view password);
  // Unauthenticated for an unknown e-mail or a wrong password, alike.
  Result<Session> log_in(std::string_view email, std::string_view password);
  // The user a session token belongs to; Unauthenticated when unknown or expired.
  Result<User> authenticate(std::string_view token);
  // The same, with the session's expiry (Session::token stays empty: the
  // store keeps only its hash), for callers that cache the answer.
  Result<Session> find_session(std::string_view token);
  // The same by the token's hash (session_token_hash), for holders of a
  // session that keep no token (a WebSocket rechecking its session).
  Result<Session> find_session_by_hash(std::string_view token_hash);
  // Deletes the session; every node then closes its connections (AccessEvent).
  Status log_out(std::string_view token);

  // A user without credentials (the notebook's save_user; the CLI). An empty
  // id mints one. The e-mail, if given, must be unused.
  Result<User> create_user(std::string_view name, std::string_view email, std::string_view id = {});
  // AP6. reference is an id or a USER# key; another kind of key is an error.
  Result<User> find_user(std::string_view reference);
  // AP27: the user whose name is name, compared as the uniqueness guard
  // compares names (case and width folded, chat/names.h): one GetItem on
  // the guard, one on the user. Users the notebook wrote have no guard.
  Result<User> find_user_by_name(std::string_view name);

 private:
  Result<std::string> hash_password(std::string_view password) const;
  Result<User> write_user(User user, std::optional<std::string> password_hash);

  ChatStore& store_;
  ChannelEvents* events_;
};

// The key a session token is stored and cached under: SHA-256, lower-case hex.
std::string session_token_hash(std::string_view token);

}  // namespace townhall::chat
