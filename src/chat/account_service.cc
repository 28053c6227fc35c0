#include "chat/account_service.h"

#include <sodium.h>

#include "chat/items.h"
#include "chat/keys.h"
#include "chat/names.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::N;
using items::S;

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string new_token() {
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  char out[sodium_base64_ENCODED_LEN(32, kVariant)];
  sodium_bin2base64(out, sizeof out, random, sizeof random, kVariant);
  return out;
}

}  // namespace

std::string session_token_hash(std::string_view token) { return sha256_hex(token); }

AccountService::AccountService(ChatStore& store, ChannelEvents* events) : store_(store), events_(events) {}

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

Result<User> AccountService::sign_up(std::string_view name, std::string_view email,
                                     std::string_view password) {
  TH_RETURN_IF_ERROR(check_text(password, "password", kMinPasswordBytes, kMaxPasswordBytes, true));
  if (email.empty()) return Error::InvalidArgument("email is required");
  User user;
  TH_ASSIGN_OR_RETURN(user.name, normalize_name(name, "name", kMaxUserNameBytes));
  TH_ASSIGN_OR_RETURN(user.email, normalize_email(email));
  TH_ASSIGN_OR_RETURN(std::string hash, hash_password(password));
  user.id = keys::new_id();
  return write_user(std::move(user), std::move(hash));
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

Result<User> AccountService::write_user(User user, std::optional<std::string> password_hash) {
  user.created_at = store_.now_ms() / 1000;
  std::string user_key = keys::user(user.id);
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.put_action(items::user_item(user), "attribute_not_exists(PK)"));
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
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (outcome.failed(0)) return Error::AlreadyExists("user " + user.id + " already exists");
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
  Session session;
  session.token = new_token();
  session.user = std::move(user);
  int64_t now = store_.now_ms() / 1000;
  session.expires_at = now + store_.options().session_lifetime_seconds;
  std::string session_key = keys::session(sha256_hex(session.token));
  TH_RETURN_IF_ERROR(store_.put({{"PK", S(session_key)},
                                 {"SK", S(session_key)},
                                 {"UserId", S(user_key)},
                                 {"CreatedAt", N(now)},
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
  TH_ASSIGN_OR_RETURN(session.user, find_user(items::string_of(*item, "UserId")));
  return session;
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

Result<User> AccountService::find_user_by_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameBytes) return Error::InvalidArgument("no user named that");
  std::string key = keys::user_name(chat::name_key(name));
  TH_ASSIGN_OR_RETURN(auto guard, store_.get(key, key));
  if (!guard) return Error::NotFound("no user named " + std::string(name));
  return find_user(items::string_of(*guard, "UserId"));
}

}  // namespace townhall::chat
