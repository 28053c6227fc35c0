#include "chat/chat_service.h"

#include <sodium.h>

#include <chrono>
#include <thread>

namespace townhall::chat {
namespace {

ddb::CreateTableRequest notebook_schema(const std::string& table) {
  ddb::CreateTableRequest request;
  request.table_name = table;
  request.key_schema = {{"PK", "HASH"}, {"SK", "RANGE"}};
  request.attribute_definitions = {{"PK", "S"}, {"SK", "S"}, {"GSI1PK", "S"}, {"GSI1SK", "S"}};
  request.billing_mode = "PAY_PER_REQUEST";
  ddb::GlobalSecondaryIndex gsi;
  gsi.index_name = "GSI1";
  gsi.key_schema = {{"GSI1PK", "HASH"}, {"GSI1SK", "RANGE"}};
  gsi.projection.projection_type = "INCLUDE";
  gsi.projection.non_key_attributes = std::vector<std::string>{"ChanName", "JoinedAt"};
  request.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{gsi};
  return request;
}

// What chat relies on: the keys and GSI1's keys. Capacity and the exact
// projection of GSI1 may differ (ALL projects more than INCLUDE, which is fine).
Status check_schema(const ddb::TableDescription& table) {
  auto fail = [&](const std::string& why) {
    return Error{Code::kFailedPrecondition,
                 "table " + table.table_name.value_or("") + " exists but is not the chat schema: " + why};
  };
  std::vector<ddb::KeySchemaElement> want = {{"PK", "HASH"}, {"SK", "RANGE"}};
  if (table.key_schema.value_or(std::vector<ddb::KeySchemaElement>{}) != want) {
    return fail("the key must be PK (HASH) and SK (RANGE)");
  }
  for (const auto& definition :
       table.attribute_definitions.value_or(std::vector<ddb::AttributeDefinition>{})) {
    if (definition.attribute_type != "S")
      return fail(definition.attribute_name + " must be a string attribute");
  }
  for (const auto& index : table.global_secondary_indexes.value_or(std::vector<ddb::IndexDescription>{})) {
    if (index.index_name != "GSI1") continue;
    std::vector<ddb::KeySchemaElement> gsi_want = {{"GSI1PK", "HASH"}, {"GSI1SK", "RANGE"}};
    if (index.key_schema.value_or(std::vector<ddb::KeySchemaElement>{}) != gsi_want) {
      return fail("GSI1's key must be GSI1PK (HASH) and GSI1SK (RANGE)");
    }
    return Status::Ok();
  }
  return fail("index GSI1 is missing");
}

}  // namespace

ChatService::ChatService(ddb::Database& db, ChatOptions options, ChannelEvents* events)
    : store_(db, std::move(options)),
      team_(store_, events),
      accounts_(store_, team_, events),
      channels_(store_, events),
      files_(store_, channels_),
      messages_(store_, channels_, files_, events) {
  if (sodium_init() < 0) std::abort();  // no usable randomness: nothing secure can run
}

Status ChatService::ensure_table() {
  ddb::DescribeTableRequest describe;
  describe.table_name = store_.table();
  auto described = store_.db().describe_table(describe);
  if (!described.ok()) {
    if (!described.error().is(ddb::ErrorCode::kResourceNotFound)) return Error::FromStore(described.error());
    auto created = store_.db().create_table(notebook_schema(store_.table()));
    // Another node may have created it in the meantime; that is fine.
    if (!created.ok() && !created.error().is(ddb::ErrorCode::kResourceInUse)) {
      return Error::FromStore(created.error());
    }
  } else {
    TH_RETURN_IF_ERROR(check_schema(described->table));
  }
  // Remote stores create tables asynchronously: wait for ACTIVE.
  for (int attempt = 0; attempt < 600; ++attempt) {
    auto state = store_.db().describe_table(describe);
    if (!state.ok()) return Error::FromStore(state.error());
    if (state->table.table_status.value_or("ACTIVE") == "ACTIVE") {
      TH_RETURN_IF_ERROR(check_schema(state->table));
      // The team item: on a new table, the first sign-up will own the team.
      TH_RETURN_IF_ERROR(team_.ensure());
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error{Code::kUnavailable, "table " + store_.table() + " did not become ACTIVE within a minute"};
}

Result<bool> ChatService::enable_expiry() {
  auto described = store_.db().describe_time_to_live({store_.table()});
  if (!described.ok()) return Error::FromStore(described.error());
  const auto& ttl = described->time_to_live_description;
  const std::string status = ttl.time_to_live_status.value_or("DISABLED");
  if (status == "ENABLED" || status == "ENABLING") return ttl.attribute_name.value_or("") == "ExpiresAt";
  if (status != "DISABLED") return false;  // DISABLING: DynamoDB refuses a change until it is done
  ddb::UpdateTimeToLiveRequest request;
  request.table_name = store_.table();
  request.time_to_live_specification = {true, "ExpiresAt"};
  auto updated = store_.db().update_time_to_live(request);
  if (!updated.ok()) return Error::FromStore(updated.error());
  return true;
}

const char* kind_name(ChannelEvent::Kind kind) {
  switch (kind) {
    case ChannelEvent::Kind::kMessageCreated:
      return "message.created";
    case ChannelEvent::Kind::kMessageEdited:
      return "message.edited";
    case ChannelEvent::Kind::kMessageDeleted:
      return "message.deleted";
    case ChannelEvent::Kind::kMemberJoined:
      return "member.joined";
    case ChannelEvent::Kind::kMemberLeft:
      return "member.left";
    case ChannelEvent::Kind::kChannelUpdated:
      return "channel.updated";
    case ChannelEvent::Kind::kMessageReactions:
      return "message.reactions";
    case ChannelEvent::Kind::kChannelAdded:
      return "channel.added";
    case ChannelEvent::Kind::kTyping:
      return "typing";
  }
  return "unknown";
}

const char* kind_name(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::kChannel:
      return "channel";
    case ChannelKind::kDirect:
      return "dm";
    case ChannelKind::kGroup:
      return "group";
  }
  return "channel";
}

const char* role_name(Role role) {
  switch (role) {
    case Role::kMember:
      return "member";
    case Role::kAdmin:
      return "admin";
    case Role::kOwner:
      return "owner";
  }
  return "member";
}

std::optional<Role> role_from_name(std::string_view name) {
  if (name == "member") return Role::kMember;
  if (name == "admin") return Role::kAdmin;
  if (name == "owner") return Role::kOwner;
  return std::nullopt;
}

}  // namespace townhall::chat
