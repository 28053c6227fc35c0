#include "chat/keys.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace townhall::chat::keys {
namespace {

bool is_id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

Result<std::string> id_from(std::string_view reference, std::string_view prefix, const char* kind) {
  std::string_view id = reference;
  if (id.starts_with(prefix)) {
    id.remove_prefix(prefix.size());
  } else if (id.find('#') != std::string_view::npos) {
    return Error::InvalidArgument(std::string(reference) + " is not a " + kind + " key");
  }
  if (!is_valid_id(id)) return Error::InvalidArgument("invalid " + std::string(kind) + " id");
  return std::string(id);
}

}  // namespace

std::string send_guard(std::string_view user_id, std::string_view client_message_id) {
  std::string key(kSendGuard);
  key.append(user_id).push_back('#');
  key.append(client_message_id);
  return key;
}

std::string directory(std::string_view channel_name, std::string_view channel_id) {
  std::string key(kDirectory);
  for (char c : channel_name) key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  key.push_back('#');
  key.append(channel_id);
  return key;
}

bool is_valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), is_id_char);
}

Result<std::string> user_id_from(std::string_view reference) { return id_from(reference, kUser, "user"); }
Result<std::string> channel_id_from(std::string_view reference) {
  return id_from(reference, kChannel, "channel");
}

bool is_valid_message_id(std::string_view id) {
  if (id.size() < 12 || id.size() > 128 || id[10] != '#') return false;
  if (!std::all_of(id.begin(), id.begin() + 10, [](char c) { return c >= '0' && c <= '9'; })) return false;
  return std::all_of(id.begin() + 11, id.end(), [](char c) { return is_id_char(c) || c == '#'; });
}

std::string public_message_id(std::string_view id) {
  std::string out(id);
  if (out.size() > 10 && out[10] == '#') out[10] = '_';
  return out;
}

Result<std::string> message_id_from(std::string_view id) {
  std::string out(id);
  if (out.size() > 10 && out[10] == '_') out[10] = '#';
  if (!is_valid_message_id(out)) return Error::InvalidArgument("invalid message id");
  return out;
}

std::string new_id() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char random[12];
  randombytes_buf(random, sizeof random);
  std::string id(12, 'a');
  for (size_t i = 0; i < id.size(); ++i) id[i] = kAlphabet[random[i] & 31];
  return id;
}

}  // namespace townhall::chat::keys
