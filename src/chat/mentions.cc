#include "chat/mentions.h"

#include <algorithm>
#include <map>
#include <set>

#include "chat/items.h"
#include "chat/keys.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::S;

// The sort key after a user's last mention item in a channel ('$' follows '#').
std::string after_mentions_of(std::string_view user_id) {
  return std::string(keys::kMention).append(user_id).append("$");
}

}  // namespace

std::vector<Participant> mentions_still_in(const std::vector<Participant>& before, std::string_view text) {
  std::vector<Participant> kept;
  for (const auto& mentioned : before) {
    if (!mentioned.user_name.empty() && text.find("@" + mentioned.user_name) != std::string_view::npos) {
      kept.push_back(mentioned);
    }
  }
  return kept;
}

Result<std::vector<Participant>> MessageService::resolve_mentions(const std::string& channel_id,
                                                                  const std::vector<std::string>& user_ids) {
  std::set<std::string> wanted;
  for (const auto& id : user_ids) {
    TH_ASSIGN_OR_RETURN(std::string user_id, keys::user_id_from(id));
    wanted.insert(std::move(user_id));
  }
  if (wanted.size() > kMaxMentions) {
    return Error::InvalidArgument("a message mentions at most " + std::to_string(kMaxMentions) + " people");
  }
  std::vector<Participant> mentions;
  if (wanted.empty()) return mentions;
  std::vector<ddb::AttributeMap> keys;
  keys.reserve(wanted.size());
  for (const auto& id : wanted)
    keys.push_back(ChatStore::key(keys::channel(channel_id), keys::membership(id)));
  TH_ASSIGN_OR_RETURN(auto memberships, store_.batch_get(std::move(keys)));
  for (const auto& item : memberships) {
    Member member = items::member_from(item);
    mentions.push_back({member.user_id, member.user_name});
  }
  std::sort(mentions.begin(), mentions.end(),
            [](const Participant& a, const Participant& b) { return a.user_id < b.user_id; });
  return mentions;
}

void MessageService::mention_actions(std::vector<ddb::TransactWriteItem>& actions,
                                     const std::string& channel_id, const std::string& message_id,
                                     const std::string& author_id, const std::vector<Participant>& mentions,
                                     bool add) const {
  std::string channel_key = keys::channel(channel_id);
  for (const auto& mentioned : mentions) {
    if (mentioned.user_id == author_id) continue;  // one's own mention counts for nobody
    std::string sk = keys::mention(mentioned.user_id, message_id);
    if (!add) {
      actions.push_back(store_.delete_action(ChatStore::key(channel_key, sk)));
      continue;
    }
    actions.push_back(store_.put_action({{"PK", S(channel_key)},
                                         {"SK", S(sk)},
                                         {"GSI1PK", S(keys::mentions_of(mentioned.user_id))},
                                         {"GSI1SK", S(keys::message(message_id))},
                                         {"ChanId", S(channel_id)}}));
  }
}

Result<int64_t> MessageService::count_mentions(const User& actor, const std::string& channel_id,
                                               const std::string& last_read, int64_t cap) {
  std::string from = keys::mention(actor.id, last_read);  // "MENTION#<me>#" before any message
  ddb::QueryRequest query;
  query.key_condition_expression = "PK = :pk AND SK BETWEEN :from AND :to";
  query.projection_expression = "SK";
  query.expression_attribute_values = ddb::AttributeMap{
      {":pk", S(keys::channel(channel_id))}, {":from", S(from)}, {":to", S(after_mentions_of(actor.id))}};
  return count_items(std::move(query), from, cap);  // the marker's own message is read
}

std::vector<Participant> everyone_mentioned(const std::vector<Participant>& named,
                                            const std::vector<Participant>& here) {
  std::vector<Participant> all = named;
  for (const auto& person : here) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const Participant& p) { return p.user_id == person.user_id; }))
      all.push_back(person);
  }
  return all;
}

Result<std::vector<Participant>> MessageService::members_here(const User& actor,
                                                              const std::string& channel_id) {
  TH_ASSIGN_OR_RETURN(Channel channel, channels_.find(channel_id));
  if (channel.user_count > kMentionAllLimit) {
    return Error::PermissionDenied("@here is for channels of up to " + std::to_string(kMentionAllLimit) +
                                   " people: name people, or use @channel");
  }
  std::vector<Participant> here;
  if (!presence_) return here;
  // One page holds them all: at most kMentionAllLimit members (a few more if some joined since the count).
  TH_ASSIGN_OR_RETURN(auto page, channels_.members(actor, channel_id, "", 2 * kMentionAllLimit));
  std::vector<Member> members;
  for (auto& member : page.items) {
    if (member.user_id != actor.id) members.push_back(std::move(member));
  }
  std::vector<std::string> ids;
  ids.reserve(members.size());
  for (const auto& member : members) ids.push_back(member.user_id);
  std::vector<bool> online = presence_->online(ids);
  for (size_t i = 0; i < members.size() && i < online.size(); ++i) {
    if (online[i]) here.push_back({members[i].user_id, members[i].user_name});
  }
  return here;
}

Status MessageService::check_mention_channel(const User& actor, const std::string& channel_id) {
  TH_ASSIGN_OR_RETURN(Channel channel, channels_.find(channel_id));
  if (channel.user_count > kMentionAllLimit && channel.created_by != actor.id) {
    return Error::PermissionDenied("@channel notifies everyone: in a channel of more than " +
                                   std::to_string(kMentionAllLimit) + " people only its creator may use it");
  }
  return Status::Ok();
}

Result<Page<Message>> MessageService::mentions(const User& actor, std::string_view cursor, int limit) {
  std::string partition = keys::mentions_of(actor.id);
  ddb::QueryRequest query;
  query.index_name = "GSI1";
  query.key_condition_expression = "GSI1PK = :me";
  query.expression_attribute_values = ddb::AttributeMap{{":me", S(partition)}};
  query.scan_index_forward = false;
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    // The cursor names the last item: its message's sort key, '\n', its channel.
    TH_ASSIGN_OR_RETURN(std::string last, decode_cursor(cursor, keys::kMessage));
    size_t split = last.rfind('\n');
    if (split == std::string::npos) return Error::InvalidArgument("invalid cursor");
    std::string message_sk = last.substr(0, split), channel_id = last.substr(split + 1);
    query.exclusive_start_key =
        ddb::AttributeMap{{"PK", S(keys::channel(channel_id))},
                          {"SK", S(keys::mention(actor.id, items::id_after(message_sk, keys::kMessage)))},
                          {"GSI1PK", S(partition)},
                          {"GSI1SK", S(message_sk)}};
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  std::vector<ddb::AttributeMap> keys;
  std::map<std::string, bool> readable;  // channel id -> actor may still read it
  for (const auto& item : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    // GSI1 projects keys only (and the notebook's ChanName, JoinedAt): the channel is in PK.
    std::string channel_id = items::id_after(items::string_of(item, "PK"), keys::kChannel);
    keys.push_back(ChatStore::key(keys::channel(channel_id), std::string(items::string_of(item, "GSI1SK"))));
    readable.emplace(channel_id, false);
  }
  // A private channel left since is not shown (nor, then, that it exists).
  for (auto& [channel_id, ok] : readable) {
    auto access = channels_.authorize_read(actor, channel_id);
    if (!access.ok() && access.error().code != Code::kNotFound) return access.error();
    ok = access.ok();
  }
  Page<Message> page;
  if (!keys.empty()) {
    TH_ASSIGN_OR_RETURN(auto found, store_.batch_get(std::move(keys)));
    for (const auto& item : found) {
      Message message = items::message_from(item);
      if (message.deleted || !readable[message.channel_id]) continue;
      page.items.push_back(std::move(message));
    }
    std::sort(page.items.begin(), page.items.end(),
              [](const Message& a, const Message& b) { return a.id > b.id; });
  }
  if (response.last_evaluated_key) {
    const ddb::AttributeMap& last = *response.last_evaluated_key;  // keys only: the channel is in PK
    page.next_cursor = encode_cursor(std::string(items::string_of(last, "GSI1SK")) + "\n" +
                                     items::id_after(items::string_of(last, "PK"), keys::kChannel));
  }
  return page;
}

}  // namespace townhall::chat
