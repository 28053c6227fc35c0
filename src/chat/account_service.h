// AccountService: users (the notebook's save_user and find_user, AP6),
// credentials and sessions.
//
// Passwords are hashed with Argon2id (libsodium) and kept in their own item
// (PK USER#<id>, SK LOGIN), so the notebook's find_user never returns them.
// E-mail addresses are unique: a guard item is written in the same
// transaction as the user. Session tokens are 256 random bits, returned once
// and stored only as their SHA-256.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/model.h"
#include "chat/store.h"

namespace townhall::chat {

class AccountService {
 public:
  explicit AccountService(ChatStore& store);

  Result<User> sign_up(std::string_view name, std::string_view email, std::string_view password);
  // Unauthenticated for an unknown e-mail or a wrong password, alike.
  Result<Session> log_in(std::string_view email, std::string_view password);
  // The user a session token belongs to; Unauthenticated when unknown or expired.
  Result<User> authenticate(std::string_view token);
  // The same, with the session's expiry (Session::token stays empty: the
  // store keeps only its hash), for callers that cache the answer.
  Result<Session> find_session(std::string_view token);
  Status log_out(std::string_view token);

  // A user without credentials (the notebook's save_user; the CLI). An empty
  // id mints one. The e-mail, if given, must be unused.
  Result<User> create_user(std::string_view name, std::string_view email, std::string_view id = {});
  // AP6. reference is an id or a USER# key; another kind of key is an error.
  Result<User> find_user(std::string_view reference);

 private:
  Result<std::string> hash_password(std::string_view password) const;
  Result<User> write_user(User user, std::optional<std::string> password_hash);

  ChatStore& store_;
};

}  // namespace townhall::chat
