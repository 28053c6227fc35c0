#include "chat/conversations.h"

#include <sodium.h>

#include <algorithm>

#include "chat/channel_service.h"
#include "chat/items.h"
#include "chat/keys.h"

namespace townhall::chat {

std::string conversation_id(std::vector<std::string> user_ids) {
  std::sort(user_ids.begin(), user_ids.end());
  user_ids.erase(std::unique(user_ids.begin(), user_ids.end()), user_ids.end());
  // Ids never contain '\n', so the joined text names exactly one set.
  std::string text = "townhall conversation v1";
  for (const auto& id : user_ids) text.append("\n").append(id);
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id(kConversationIdPrefix);
  // 24 characters of 5 bits: 120 of the digest's bits.
  for (size_t i = 0; i < 24; ++i) {
    size_t bit = i * 5;
    unsigned value = (static_cast<unsigned>(digest[bit / 8]) << 8 | digest[bit / 8 + 1]) >> (11 - bit % 8);
    id.push_back(kAlphabet[value & 31]);
  }
  return id;
}

bool is_conversation_id(std::string_view channel_id) { return channel_id.starts_with(kConversationIdPrefix); }

namespace {

// Participants by name, as people read a list of names.
std::vector<Participant> by_name(std::vector<Participant> participants) {
  std::stable_sort(participants.begin(), participants.end(),
                   [](const Participant& a, const Participant& b) { return a.user_name < b.user_name; });
  return participants;
}

}  // namespace

std::string conversation_name_for(const std::vector<Participant>& unordered, std::string_view user_id) {
  std::vector<Participant> participants = by_name(unordered);
  std::string name;
  for (const auto& participant : participants) {
    if (participant.user_id == user_id) continue;
    if (!name.empty()) name.append(", ");
    name.append(participant.user_name);
  }
  if (name.empty()) {
    for (const auto& participant : participants) {
      if (participant.user_id == user_id) name = participant.user_name;
    }
  }
  return name;
}

Result<ChannelService::Opened> ChannelService::open_conversation(const User& actor,
                                                                 const std::vector<User>& others) {
  std::vector<Participant> participants{{actor.id, actor.name}};
  for (const auto& user : others) {
    if (!keys::is_valid_id(user.id)) return Error::InvalidArgument("invalid user id");
    participants.push_back({user.id, user.name});
  }
  std::sort(participants.begin(), participants.end(),
            [](const Participant& a, const Participant& b) { return a.user_id < b.user_id; });
  participants.erase(
      std::unique(participants.begin(), participants.end(),
                  [](const Participant& a, const Participant& b) { return a.user_id == b.user_id; }),
      participants.end());
  if (participants.size() > kMaxConversationParticipants) {
    return Error::InvalidArgument("a conversation has at most " +
                                  std::to_string(kMaxConversationParticipants) +
                                  " people; make a private channel for more");
  }
  std::vector<std::string> ids;
  ids.reserve(participants.size());
  for (const auto& participant : participants) ids.push_back(participant.user_id);

  Channel channel;
  channel.id = conversation_id(ids);
  channel.kind = participants.size() <= 2 ? ChannelKind::kDirect : ChannelKind::kGroup;
  channel.is_private = true;
  channel.participants = participants;
  for (const auto& participant : by_name(participants)) {
    if (!channel.name.empty()) channel.name.append(", ");
    channel.name.append(participant.user_name);
  }
  channel.user_count = static_cast<int64_t>(participants.size());
  channel.created_by = actor.id;
  channel.created_at = store_.now_ms() / 1000;

  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.put_action(items::channel_item(channel), "attribute_not_exists(PK)"));
  std::string today = store_.today();
  for (const auto& participant : participants) {
    User user{participant.user_id, participant.user_name, {}, 0};
    ddb::AttributeMap membership = items::membership_item(channel, user, today);
    membership["ChanName"] = items::S(conversation_name_for(participants, participant.user_id));
    actions.push_back(store_.put_action(std::move(membership)));
  }
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (!outcome.failed(0)) return Error::Internal("opening the conversation was cancelled");
    // Someone opened it first (maybe on another node): it is the same conversation.
    TH_ASSIGN_OR_RETURN(Channel existing, find(channel.id));
    if (existing.kind == ChannelKind::kChannel) return Error::Internal("conversation id taken by a channel");
    TH_ASSIGN_OR_RETURN(auto member, membership(existing.id, actor));
    if (!member) return Error::NotFound("no conversation " + existing.id);
    return Opened{std::move(existing), false};
  }
  remember(channel);
  for (const auto& participant : participants) {
    ChannelEvent event{ChannelEvent::Kind::kChannelAdded, channel.id, std::nullopt, std::nullopt, channel};
    event.recipient = participant.user_id;
    publish(event);
  }
  return Opened{std::move(channel), true};
}

}  // namespace townhall::chat
