// ChannelService: moderation. Removing someone from a channel, and
// archiving one, by its creator or an admin; an admin's action is recorded
// in the audit trail in the action's own transaction (chat/audit.h).
#include "chat/audit.h"
#include "chat/channel_service.h"
#include "chat/items.h"
#include "chat/keys.h"

namespace townhall::chat {

using items::N;

Result<bool> ChannelService::remove_member(const User& actor, std::string_view reference, const User& user) {
  TH_ASSIGN_OR_RETURN(Channel channel, get(actor, reference));
  if (user.id == actor.id) return leave(actor, channel.id);
  if (channel.kind != ChannelKind::kChannel)
    return Error{Code::kFailedPrecondition, "a conversation's people are fixed"};
  if (actor.is_admin() && channel.created_by != actor.id) {
    // Moderation, recorded with the removal itself.
    return take_out(channel.id, user, nullptr,
                    audit_action(store_, actor, "channel.remove_member", "channel:" + channel.id,
                                 user.name + " (user:" + user.id + ")"));
  }
  TH_ASSIGN_OR_RETURN(auto member, membership(channel.id, actor));
  if (!member || channel.created_by != actor.id)
    return Error::PermissionDenied("only the channel's creator or an admin may remove members");
  return take_out(channel.id, user);
}

Result<Channel> ChannelService::set_archived(const User& actor, std::string_view reference, bool archived) {
  TH_ASSIGN_OR_RETURN(Channel channel, get(actor, reference));
  if (channel.kind != ChannelKind::kChannel)
    return Error{Code::kFailedPrecondition, "a conversation cannot be archived"};
  if (!actor.is_admin() && channel.created_by != actor.id)
    return Error::PermissionDenied("only the channel's creator or an admin may archive it");
  if ((channel.archived_at != 0) == archived) return channel;
  std::string key = keys::channel(channel.id);
  std::vector<ddb::TransactWriteItem> actions;
  const int64_t now = store_.now_ms() / 1000;
  if (archived) {
    actions.push_back(store_.update_action(ChatStore::key(key, key), "SET Archived = :now",
                                           {{":now", N(now)}}, "attribute_exists(PK)"));
  } else {
    actions.push_back(
        store_.update_action(ChatStore::key(key, key), "REMOVE Archived", {}, "attribute_exists(PK)"));
  }
  actions.push_back(audit_action(store_, actor, archived ? "channel.archive" : "channel.unarchive",
                                 "channel:" + channel.id, channel.name));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) return Error::NotFound("no channel " + channel.id);
  channel.archived_at = archived ? now : 0;
  publish({ChannelEvent::Kind::kChannelUpdated, channel.id, std::nullopt, std::nullopt, channel});
  return channel;
}

}  // namespace townhall::chat
