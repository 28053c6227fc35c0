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
#include "chat/team_service.h"

namespace townhall::chat {

class AccountService {
 public:
  // events (may be null) learns of ended sessions; team decides who may sign up.
  AccountService(ChatStore& store, TeamService& team, ChannelEvents* events);

  // As the team's sign-up policy allows (TeamService::admit): an invite
  // token lets anyone in while it is valid. The first account of a new
  // team becomes its owner.
  Result<User> sign_up(std::string_view name, std::string_view email, std::string_view password,
                       std::string_view invite_token = {});
  // Unauthenticated for an unknown e-mail or a wrong password, alike; a
  // deactivated account is told so (after its password checked).
  Result<Session> log_in(std::string_view email, std::string_view password);
  // actor's new password, given the current one. Every session of actor's
  // ends (on every node); the caller gets a new one.
  Result<Session> change_password(const User& actor, std::string_view current, std::string_view password);
  // Redeems a reset link (TeamService::create_reset_link): the new
  // password, every earlier session ended. The link works once.
  Result<User> reset_password(std::string_view token, std::string_view password);
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
  // AP9's first step: the user with this e-mail address (any case), by its guard.
  Result<User> find_user_by_email(std::string_view email);
  // AP27: the user whose name is name, compared as the uniqueness guard
  // compares names (case and width folded, chat/names.h): one GetItem on
  // the guard, one on the user. Users the notebook wrote have no guard.
  Result<User> find_user_by_name(std::string_view name);

 private:
  Result<std::string> hash_password(std::string_view password) const;
  // Sign-up's transaction; extra: what the team's admission adds (at its end).
  Result<User> write_user(User user, std::optional<std::string> password_hash,
                          std::vector<ddb::TransactWriteItem> extra = {});
  Result<Session> new_session(User user);
  // Puts the new LOGIN item and ends every session begun before now, with
  // `also` in the same transaction; FailedPrecondition when a condition failed.
  Status replace_password(const std::string& user_id, ddb::TransactWriteItem login_put,
                          std::optional<ddb::TransactWriteItem> also);
  // A session is void when its user is gone, deactivated, or ended sessions after it began.
  Result<User> session_user(const ddb::AttributeMap& session);

  ChatStore& store_;
  TeamService& team_;
  ChannelEvents* events_;
};

// The key a session token is stored and cached under: SHA-256, lower-case hex.
std::string session_token_hash(std::string_view token);

}  // namespace townhall::chat
