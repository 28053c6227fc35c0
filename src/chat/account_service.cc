#include "chat/account_service.h"

#include <sodium.h>

#include "chat/items.h"
#include "chat/keys.h"
#include "chat/names.h"
#include "chat/secrets.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::N;
using items::S;

}  // namespace

std::string session_token_hash(std::string_view token) { return sha256_hex(token); }

AccountService::AccountService(ChatStore& store, TeamService& team, ChannelEvents* events)
    : store_(store), team_(team), events_(events) {}

Result<std::string> AccountService::hash_password(std::string_view password) const {
  bool minimum = store_.options().password_cost == ChatOptions::PasswordCost::kMinimum;
  unsigned long long ops = minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) !=
      0) {
    return Error::Internal("password hashing ran out of memory");
  }
  return std::string(hash);
}

Result<User> AccountService::sign_up(std::string_view name, std::string_view email, std::string_view password,
                                     std::string_view invite_token) {
  TH_RETURN_IF_ERROR(check_text(password, "password", kMinPasswordBytes, kMaxPasswordBytes, true));
  if (email.empty()) return Error::InvalidArgument("email is required");
  User user;
  TH_ASSIGN_OR_RETURN(user.name, normalize_name(name, "name", kMaxUserNameBytes));
  TH_ASSIGN_OR_RETURN(user.email, normalize_email(email));
  user.id = keys::new_id();
  TH_ASSIGN_OR_RETURN(Admission admission, team_.admit(user.id, user.email, invite_token));
  TH_ASSIGN_OR_RETURN(std::string hash, hash_password(password));
  user.role = admission.role;
  auto written = write_user(user, hash, std::move(admission.actions));
  if (written.ok() || written.error().code != Code::kUnavailable || user.role != Role::kOwner) return written;
  // Another first sign-up took the team a moment ago: this one is a member,
  // admitted as the policy says.
  TH_ASSIGN_OR_RETURN(admission, team_.admit(user.id, user.email, invite_token));
  user.role = admission.role;
  return write_user(std::move(user), std::move(hash), std::move(admission.actions));
}

Result<User> AccountService::create_user(std::string_view name, std::string_view email, std::string_view id) {
  User user;
  TH_ASSIGN_OR_RETURN(user.name, normalize_name(name, "name", kMaxUserNameBytes));
  if (!email.empty()) {
    TH_ASSIGN_OR_RETURN(user.email, normalize_email(email));
  }
  if (id.empty()) {
    user.id = keys::new_id();
  } else {
    TH_ASSIGN_OR_RETURN(user.id, keys::user_id_from(id));
  }
  return write_user(std::move(user), std::nullopt);
}

Result<User> AccountService::write_user(User user, std::optional<std::string> password_hash,
                                        std::vector<ddb::TransactWriteItem> extra) {
  user.created_at = store_.now_ms() / 1000;
  std::string user_key = keys::user(user.id);
  std::vector<ddb::TransactWriteItem> actions;
  ddb::AttributeMap user_item = items::user_item(user);
  // Its entry in the user directory (GSI1), which admins list.
  user_item["GSI1PK"] = S(std::string(keys::kUserDirectory));
  user_item["GSI1SK"] = S(keys::user_directory(chat::name_key(user.name), user.id));
  actions.push_back(store_.put_action(std::move(user_item), "attribute_not_exists(PK)"));
  std::string name_key = keys::user_name(chat::name_key(user.name));
  actions.push_back(store_.put_action({{"PK", S(name_key)}, {"SK", S(name_key)}, {"UserId", S(user_key)}},
                                      "attribute_not_exists(PK)"));
  if (!user.email.empty()) {
    std::string mail_key = keys::mail(user.email);
    actions.push_back(store_.put_action({{"PK", S(mail_key)}, {"SK", S(mail_key)}, {"UserId", S(user_key)}},
                                        "attribute_not_exists(PK)"));
  }
  if (password_hash) {
    actions.push_back(store_.put_action({{"PK", S(user_key)},
                                         {"SK", S(std::string(keys::kLogin))},
                                         {"PasswordHash", S(std::move(*password_hash))},
                                         {"UpdatedAt", N(user.created_at)}}));
  }
  const size_t first_extra = actions.size();
  for (auto& action : extra) actions.push_back(std::move(action));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (outcome.failed(0)) return Error::AlreadyExists("user " + user.id + " already exists");
    for (size_t i = first_extra; i < outcome.reasons.size(); ++i) {
      if (!outcome.failed(i)) continue;
      if (user.role == Role::kOwner) return Error{Code::kUnavailable, "the team was claimed meanwhile"};
      return Error::PermissionDenied("this invite link is not valid: it expired, was used up or revoked");
    }
    // The same words for a taken name and a taken e-mail: sign-up must not
    // tell a stranger whether an address has an account.
    if (outcome.failed(1) || outcome.failed(2)) {
      return Error::AlreadyExists("that name or e-mail address cannot be used; choose another, or sign in");
    }
    return Error::Internal("sign-up transaction was cancelled");
  }
  return user;
}

Result<Session> AccountService::log_in(std::string_view email, std::string_view password) {
  auto normalized = normalize_email(email);
  std::optional<ddb::AttributeMap> guard;
  if (normalized.ok()) {
    std::string mail_key = keys::mail(normalized.value());
    TH_ASSIGN_OR_RETURN(guard, store_.get(mail_key, mail_key));
  }
  std::string user_key = guard ? std::string(items::string_of(*guard, "UserId")) : std::string();
  std::optional<ddb::AttributeMap> login;
  if (!user_key.empty()) {
    TH_ASSIGN_OR_RETURN(login, store_.get(user_key, std::string(keys::kLogin)));
  }
  std::string stored_hash = login ? std::string(items::string_of(*login, "PasswordHash")) : std::string();
  bool verified = false;
  if (!stored_hash.empty()) {
    verified = crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
  } else {
    // Spend the same effort for unknown accounts so timing does not reveal
    // which e-mail addresses are registered.
    (void)hash_password(password);
  }
  if (!verified) return Error::Unauthenticated("wrong email or password");

  TH_ASSIGN_OR_RETURN(User user, find_user(user_key));
  if (!user.active()) return Error::Unauthenticated("this account is deactivated: ask an admin");
  return new_session(std::move(user));
}

Result<Session> AccountService::new_session(User user) {
  std::string user_key = keys::user(user.id);
  Session session;
  session.token = random_token();
  session.user = std::move(user);
  int64_t now = store_.now_ms() / 1000;
  session.expires_at = now + store_.options().session_lifetime_seconds;
  std::string session_key = keys::session(sha256_hex(session.token));
  TH_RETURN_IF_ERROR(store_.put({{"PK", S(session_key)},
                                 {"SK", S(session_key)},
                                 {"UserId", S(user_key)},
                                 {"CreatedAt", N(now)},
                                 {"CreatedMs", N(store_.now_ms())},
                                 {"ExpiresAt", N(session.expires_at)}}));
  return session;
}

Result<User> AccountService::authenticate(std::string_view token) {
  TH_ASSIGN_OR_RETURN(Session session, find_session(token));
  return std::move(session.user);
}

Result<Session> AccountService::find_session(std::string_view token) {
  if (token.empty() || token.size() > 128)
    return Error::Unauthenticated("missing or malformed session token");
  return find_session_by_hash(sha256_hex(token));
}

Result<Session> AccountService::find_session_by_hash(std::string_view token_hash) {
  if (token_hash.size() != crypto_hash_sha256_BYTES * 2) return Error::Unauthenticated("unknown session");
  std::string session_key = keys::session(token_hash);
  TH_ASSIGN_OR_RETURN(auto item, store_.get(session_key, session_key));
  if (!item) return Error::Unauthenticated("unknown session");
  Session session;
  session.expires_at = items::int_of(*item, "ExpiresAt");
  if (session.expires_at <= store_.now_ms() / 1000) return Error::Unauthenticated("session expired");
  TH_ASSIGN_OR_RETURN(session.user, session_user(*item));
  return session;
}

Result<User> AccountService::session_user(const ddb::AttributeMap& session) {
  auto user = find_user(items::string_of(session, "UserId"));
  if (!user.ok()) {
    if (user.error().code == Code::kNotFound) return Error::Unauthenticated("unknown session");
    return user.error();
  }
  if (!user->active()) return Error::Unauthenticated("this account is deactivated");
  // Sessions from before CreatedMs was written began at CreatedAt's second.
  int64_t began_ms = items::int_of(session, "CreatedMs", items::int_of(session, "CreatedAt") * 1000);
  if (began_ms < user->sessions_after_ms) return Error::Unauthenticated("session ended: sign in again");
  return std::move(*user);
}

Result<Session> AccountService::change_password(const User& actor, std::string_view current,
                                                std::string_view password) {
  TH_RETURN_IF_ERROR(check_text(password, "password", kMinPasswordBytes, kMaxPasswordBytes, true));
  std::string user_key = keys::user(actor.id);
  TH_ASSIGN_OR_RETURN(auto login, store_.get(user_key, std::string(keys::kLogin)));
  std::string stored_hash = login ? std::string(items::string_of(*login, "PasswordHash")) : std::string();
  if (stored_hash.empty() ||
      crypto_pwhash_str_verify(stored_hash.c_str(), current.data(), current.size()) != 0) {
    return Error::PermissionDenied("the current password is wrong");
  }
  TH_ASSIGN_OR_RETURN(std::string hash, hash_password(password));
  // The condition: two changes racing cannot both think they replaced the old one.
  auto login_put = store_.put_action({{"PK", S(user_key)},
                                      {"SK", S(std::string(keys::kLogin))},
                                      {"PasswordHash", S(std::move(hash))},
                                      {"UpdatedAt", N(store_.now_ms() / 1000)}},
                                     "PasswordHash = :old");
  login_put.put->expression_attribute_values = ddb::AttributeMap{{":old", S(stored_hash)}};
  TH_RETURN_IF_ERROR(replace_password(actor.id, std::move(login_put), {}));
  TH_ASSIGN_OR_RETURN(User user, find_user(actor.id));
  return new_session(std::move(user));
}

Result<User> AccountService::reset_password(std::string_view token, std::string_view password) {
  TH_RETURN_IF_ERROR(check_text(password, "password", kMinPasswordBytes, kMaxPasswordBytes, true));
  auto invalid = Error::PermissionDenied("this reset link is not valid: it expired or was used");
  auto parts = split_link_token(token);
  if (!parts) return invalid;
  std::string key = keys::reset(parts->first);
  TH_ASSIGN_OR_RETURN(auto link, store_.get(key, key));
  const int64_t now = store_.now_ms() / 1000;
  std::string secret_hash = sha256_hex(parts->second);
  if (!link || !secrets_equal(items::string_of(*link, "SecretHash"), secret_hash) ||
      items::int_of(*link, "ExpiresAt") <= now) {
    return invalid;
  }
  std::string user_id(items::string_of(*link, "UserId"));
  TH_ASSIGN_OR_RETURN(std::string hash, hash_password(password));
  std::string user_key = keys::user(user_id);
  auto login_put = store_.put_action({{"PK", S(user_key)},
                                      {"SK", S(std::string(keys::kLogin))},
                                      {"PasswordHash", S(std::move(hash))},
                                      {"UpdatedAt", N(now)}});
  // Used once: the link goes in the same transaction, on the same conditions.
  auto use_link = store_.delete_action(ChatStore::key(key, key), "SecretHash = :hash AND ExpiresAt > :now",
                                       {{":hash", S(secret_hash)}, {":now", N(now)}});
  auto status = replace_password(user_id, std::move(login_put), std::move(use_link));
  if (!status.ok()) return status.error().code == Code::kFailedPrecondition ? invalid : status.error();
  return find_user(user_id);
}

Status AccountService::replace_password(const std::string& user_id, ddb::TransactWriteItem login_put,
                                        std::optional<ddb::TransactWriteItem> also) {
  std::string user_key = keys::user(user_id);
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(std::move(login_put));
  // Every session begun before now ends, on every node (the access event
  // drops their caches and closes their sockets at once).
  actions.push_back(store_.update_action(ChatStore::key(user_key, user_key), "SET SessionsAfter = :now_ms",
                                         {{":now_ms", N(store_.now_ms())}}, "attribute_exists(PK)"));
  if (also) actions.push_back(std::move(*also));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (outcome.failed(1)) return Error::NotFound("no user " + user_id);
    return Error{Code::kFailedPrecondition, "the password changed meanwhile; try again"};
  }
  if (events_) events_->publish_access({AccessEvent::Kind::kUserChanged, user_id});
  return Status::Ok();
}

Status AccountService::log_out(std::string_view token) {
  if (token.empty() || token.size() > 128)
    return Error::Unauthenticated("missing or malformed session token");
  std::string token_hash = sha256_hex(token);
  std::string session_key = keys::session(token_hash);
  TH_RETURN_IF_ERROR(store_.remove(session_key, session_key));
  if (events_) events_->publish_access({AccessEvent::Kind::kSessionEnded, std::move(token_hash)});
  return Status::Ok();
}

Result<User> AccountService::find_user(std::string_view reference) {
  TH_ASSIGN_OR_RETURN(std::string id, keys::user_id_from(reference));
  std::string key = keys::user(id);
  TH_ASSIGN_OR_RETURN(auto item, store_.get(key, key));
  if (!item) return Error::NotFound("no user " + id);
  return items::user_from(*item);
}

Result<User> AccountService::find_user_by_email(std::string_view email) {
  auto normalized = normalize_email(email);
  if (!normalized.ok()) return Error::NotFound("no user with that e-mail address");
  std::string key = keys::mail(normalized.value());
  TH_ASSIGN_OR_RETURN(auto guard, store_.get(key, key));
  if (!guard) return Error::NotFound("no user with e-mail address " + normalized.value());
  return find_user(items::string_of(*guard, "UserId"));
}

Result<User> AccountService::find_user_by_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameBytes) return Error::InvalidArgument("no user named that");
  std::string key = keys::user_name(chat::name_key(name));
  TH_ASSIGN_OR_RETURN(auto guard, store_.get(key, key));
  if (!guard) return Error::NotFound("no user named " + std::string(name));
  return find_user(items::string_of(*guard, "UserId"));
}

}  // namespace townhall::chat
