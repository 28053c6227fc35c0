// The table's key formats, shared with the user's notebook (ARCHITECTURE.md):
//   user        PK USER#<id>        SK USER#<id>
//   channel     PK CHAN#<id>        SK CHAN#<id>
//   membership  PK CHAN#<id>        SK USERJ#<user id>   GSI1PK USER#<user id>  GSI1SK CHAN#<id>
//   message     PK CHAN#<id>        SK MSG#<seconds>#<id>
// and Townhall's own item kinds, under prefixes the notebook's queries never match:
//   credentials PK USER#<id>        SK LOGIN
//   e-mail      PK MAIL#<email>     SK MAIL#<email>      (uniqueness guard)
//   user name   PK UNAME#<name key> SK UNAME#<name key>  (uniqueness guard; chat/names.h)
//   session     PK SESSION#<sha256 of token>  SK the same
//   send guard  PK CHAN#<id>        SK CMID#<user id>#<client message id>
//   directory   PK CHANDIR          SK CHANDIR#<lowercased name>#<channel id>  (public channels)
//   channel name PK CHANNAME#<name key> SK the same  (uniqueness guard of public channels' names)
//   thread reply: a message item with GSI1PK THREAD#<channel id>#<root message id>  GSI1SK MSG#<id>
//   mention     PK CHAN#<id>        SK MENTION#<user id>#<message id>
//               GSI1PK MENTIONS#<user id>  GSI1SK MSG#<message id>
//   user directory: a user item with GSI1PK USERS  GSI1SK UNAME#<name key>#<id>  (chat/team_service.h)
//   team        PK TEAM             SK TEAM              (owner, who may sign up)
//   invite      PK INVITES          SK INVITE#<id>       (the link's secret stored as its SHA-256)
//   reset link  PK RESET#<id>       SK the same          (a one-time password reset)
//   audit       PK AUDIT            SK AUDIT#<ms>#<random>  (admin actions)
#pragma once

#include <string>
#include <string_view>

#include "chat/error.h"

namespace townhall::chat::keys {

inline constexpr std::string_view kUser = "USER#";
inline constexpr std::string_view kChannel = "CHAN#";
inline constexpr std::string_view kMembership = "USERJ#";
inline constexpr std::string_view kMessage = "MSG#";
inline constexpr std::string_view kLogin = "LOGIN";
inline constexpr std::string_view kMail = "MAIL#";
inline constexpr std::string_view kUserName = "UNAME#";
inline constexpr std::string_view kSession = "SESSION#";
inline constexpr std::string_view kSendGuard = "CMID#";
inline constexpr std::string_view kDirectoryPartition = "CHANDIR";
inline constexpr std::string_view kDirectory = "CHANDIR#";
inline constexpr std::string_view kThread = "THREAD#";
inline constexpr std::string_view kChannelName = "CHANNAME#";
inline constexpr std::string_view kMention = "MENTION#";
inline constexpr std::string_view kMentions = "MENTIONS#";
inline constexpr std::string_view kFile = "FILE#";
inline constexpr std::string_view kUserDirectory = "USERS";
inline constexpr std::string_view kTeam = "TEAM";
inline constexpr std::string_view kInvites = "INVITES";
inline constexpr std::string_view kInvite = "INVITE#";
inline constexpr std::string_view kReset = "RESET#";
inline constexpr std::string_view kAudit = "AUDIT";
inline constexpr std::string_view kAuditEntry = "AUDIT#";
// Sorts right after every "MSG#..." key: the upper bound of a range of messages.
inline constexpr std::string_view kAfterLastMessage = "MSG$";

inline std::string user(std::string_view id) { return std::string(kUser).append(id); }
inline std::string channel(std::string_view id) { return std::string(kChannel).append(id); }
inline std::string membership(std::string_view user_id) { return std::string(kMembership).append(user_id); }
inline std::string message(std::string_view message_id) { return std::string(kMessage).append(message_id); }
inline std::string mail(std::string_view email) { return std::string(kMail).append(email); }
inline std::string user_name(std::string_view name_key) { return std::string(kUserName).append(name_key); }
inline std::string channel_name(std::string_view name_key) {
  return std::string(kChannelName).append(name_key);
}
inline std::string session(std::string_view token_hash) { return std::string(kSession).append(token_hash); }
std::string send_guard(std::string_view user_id, std::string_view client_message_id);
std::string directory(std::string_view channel_name, std::string_view channel_id);
// A mention of user_id by a message of the channel (its item's SK), and the
// GSI1 partition of all of a user's mentions.
inline std::string mention(std::string_view user_id, std::string_view message_id) {
  return std::string(kMention).append(user_id).append("#").append(message_id);
}
inline std::string mentions_of(std::string_view user_id) { return std::string(kMentions).append(user_id); }
inline std::string invite(std::string_view invite_id) { return std::string(kInvite).append(invite_id); }
inline std::string reset(std::string_view reset_id) { return std::string(kReset).append(reset_id); }
// A user's place in the user directory (GSI1SK under GSI1PK USERS): by name, then id.
inline std::string user_directory(std::string_view name_key, std::string_view user_id) {
  return std::string(kUserName).append(name_key).append("#").append(user_id);
}
inline std::string file(std::string_view file_id) { return std::string(kFile).append(file_id); }
// The GSI1 partition of one thread's replies.
inline std::string thread(std::string_view channel_id, std::string_view root_message_id) {
  return std::string(kThread).append(channel_id).append("#").append(root_message_id);
}

// Ids: 1 to 64 of [A-Za-z0-9_.-]. The notebook's "12" and "7" qualify.
bool is_valid_id(std::string_view id);
// Accepts an id or a full key of the right kind; a key of another kind
// ("CHAN#7" asked as a user) is an InvalidArgument error, never a lookup.
Result<std::string> user_id_from(std::string_view reference);
Result<std::string> channel_id_from(std::string_view reference);
// A message id as it appears after "MSG#": "<10-digit seconds>#<rest>".
bool is_valid_message_id(std::string_view id);
// Message ids as clients see them: the '#' after the seconds (which every URL
// would have to escape) as '_': "1796394236_1796394236659000000-0000". The
// table's sort keys keep '#', as the notebook writes them.
std::string public_message_id(std::string_view id);
// An id in either form, as the table keys it; InvalidArgument otherwise.
Result<std::string> message_id_from(std::string_view id);
// A fresh random id: 12 characters of lowercase base32 (60 bits).
std::string new_id();

}  // namespace townhall::chat::keys
