#include "chat/file_service.h"

#include <set>

#include "chat/items.h"
#include "chat/keys.h"

namespace townhall::chat {
namespace {

using items::N;
using items::S;

// "25 MB" (limits are set in MB), or the bytes when that would round.
std::string megabytes(int64_t bytes) {
  constexpr int64_t kMb = 1024 * 1024;
  return bytes % kMb == 0 ? std::to_string(bytes / kMb) + " MB" : std::to_string(bytes) + " bytes";
}

Error no_file(std::string_view id) { return Error::NotFound("no file " + std::string(id)); }

}  // namespace

StoredFile stored_file_from(const ddb::AttributeMap& item) {
  StoredFile stored;
  stored.channel_id = items::id_after(items::string_of(item, "PK"), keys::kChannel);
  stored.file.id = items::id_after(items::string_of(item, "SK"), keys::kFile);
  stored.file.name = std::string(items::string_of(item, "Name"));
  stored.file.type = std::string(items::string_of(item, "Type"));
  stored.file.size = items::int_of(item, "Size");
  stored.file.width = static_cast<int>(items::int_of(item, "Width"));
  stored.file.height = static_cast<int>(items::int_of(item, "Height"));
  stored.thumbnail = std::string(items::string_of(item, "Thumb"));
  stored.file.thumbnail = !stored.thumbnail.empty();
  stored.blob = std::string(items::string_of(item, "Blob"));
  stored.owner_id = items::id_after(items::string_of(item, "UploaderId"), keys::kUser);
  stored.message_id = std::string(items::string_of(item, "MessageId"));
  stored.created_at_ms = items::int_of(item, "CreatedAt");
  return stored;
}

Result<StoredFile> FileService::upload(const User& actor, std::string_view channel, const NewFile& file) {
  if (!blobs_) return Error{Code::kUnavailable, "file sharing is off on this server"};
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  if (file.bytes.empty()) return Error::InvalidArgument("the file is empty");
  if (static_cast<int64_t>(file.bytes.size()) > options_.max_file_bytes) {
    return Error::TooLarge("a file is at most " + megabytes(options_.max_file_bytes));
  }
  // Only members share (NotFound for a private channel one is not in).
  TH_ASSIGN_OR_RETURN(auto member, channels_.authorize_read(actor, channel_id));
  if (!member) return Error::PermissionDenied("join channel " + channel_id + " to share files in it");

  StoredFile stored;
  stored.channel_id = channel_id;
  stored.owner_id = actor.id;
  stored.file.id = keys::new_id();
  stored.file.name = file.name;
  stored.file.type = file.type;
  stored.file.size = static_cast<int64_t>(file.bytes.size());
  stored.file.width = file.width;
  stored.file.height = file.height;
  stored.created_at_ms = store_.now_ms();
  // The bytes first, durably: the item that names them is written after.
  stored.blob = blob_key(file.bytes);
  TH_RETURN_IF_ERROR(blobs_->put(stored.blob, file.bytes));
  if (!file.thumbnail.empty()) {
    stored.thumbnail = blob_key(file.thumbnail);
    TH_RETURN_IF_ERROR(blobs_->put(stored.thumbnail, file.thumbnail));
    stored.file.thumbnail = true;
  }

  std::string channel_key = keys::channel(channel_id);
  ddb::AttributeMap item{{"PK", S(channel_key)},
                         {"SK", S(keys::file(stored.file.id))},
                         {"Name", S(stored.file.name)},
                         {"Type", S(stored.file.type)},
                         {"Size", N(stored.file.size)},
                         {"Blob", S(stored.blob)},
                         {"UploaderId", S(keys::user(actor.id))},
                         {"CreatedAt", N(stored.created_at_ms)}};
  if (stored.file.width > 0) item.emplace("Width", N(stored.file.width));
  if (stored.file.height > 0) item.emplace("Height", N(stored.file.height));
  if (!stored.thumbnail.empty()) item.emplace("Thumb", S(stored.thumbnail));
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.put_action(std::move(item), "attribute_not_exists(PK)"));
  std::string user_key = keys::user(actor.id);
  // The quota, atomically with the file: two uploads racing cannot both pass it.
  actions.push_back(store_.update_action(
      ChatStore::key(user_key, user_key), "ADD FileBytes :size",
      {{":size", N(stored.file.size)}, {":room", N(options_.quota_bytes - stored.file.size)}},
      "attribute_exists(PK) AND (attribute_not_exists(FileBytes) OR FileBytes <= :room)"));
  actions.push_back(
      store_.check_action(ChatStore::key(channel_key, keys::membership(actor.id)), "attribute_exists(SK)"));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    // The blobs stay until the sweep finds nothing references them.
    if (outcome.failed(1)) {
      return Error::TooLarge("your files may take at most " + megabytes(options_.quota_bytes) +
                             " in all; delete some messages with files first");
    }
    if (outcome.failed(2))
      return Error::PermissionDenied("join channel " + channel_id + " to share files in it");
    return Error::Internal("the upload was cancelled");
  }
  return stored;
}

Result<StoredFile> FileService::read(const std::string& channel_id, const std::string& file_id) {
  if (!keys::is_valid_id(file_id)) return no_file(file_id);
  TH_ASSIGN_OR_RETURN(auto item, store_.get(keys::channel(channel_id), keys::file(file_id)));
  if (!item) return no_file(file_id);
  return stored_file_from(*item);
}

Result<FileService::Content> FileService::download(const User& actor, std::string_view channel,
                                                   std::string_view file_id, bool thumbnail) {
  if (!blobs_) return Error{Code::kUnavailable, "file sharing is off on this server"};
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  // Every download asks: a member who left, or a stranger, gets NotFound.
  TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));
  TH_ASSIGN_OR_RETURN(StoredFile stored, read(channel_id, std::string(file_id)));
  // Not sent yet: its owner's alone.
  if (stored.message_id.empty() && stored.owner_id != actor.id) return no_file(file_id);
  if (thumbnail && stored.thumbnail.empty())
    return Error::NotFound("file " + std::string(file_id) + " has no thumbnail");
  auto bytes = blobs_->get(thumbnail ? stored.thumbnail : stored.blob);
  if (!bytes.ok()) {
    if (bytes.error().is(Code::kNotFound))
      return Error::Internal("the bytes of file " + stored.file.id + " are missing");
    return bytes.error();
  }
  return Content{std::move(stored), std::move(bytes).value()};
}

Result<FileService::Claim> FileService::claim(const User& actor, const std::string& channel_id,
                                              const std::vector<std::string>& ids,
                                              const std::string& message_id) {
  Claim claim;
  if (ids.empty()) return claim;
  if (!blobs_) return Error{Code::kUnavailable, "file sharing is off on this server"};
  if (ids.size() > options_.max_files_per_message) {
    return Error::InvalidArgument("a message shares at most " +
                                  std::to_string(options_.max_files_per_message) + " files");
  }
  std::set<std::string> distinct(ids.begin(), ids.end());
  if (distinct.size() != ids.size()) return Error::InvalidArgument("a file is listed twice");
  std::string channel_key = keys::channel(channel_id);
  std::vector<ddb::AttributeMap> wanted;
  for (const auto& id : ids) {
    if (!keys::is_valid_id(id)) return no_file(id);
    wanted.push_back(ChatStore::key(channel_key, keys::file(id)));
  }
  TH_ASSIGN_OR_RETURN(auto found, store_.batch_get(std::move(wanted)));
  std::map<std::string, StoredFile> by_id;
  for (const auto& item : found) {
    StoredFile stored = stored_file_from(item);
    by_id.emplace(stored.file.id, std::move(stored));
  }
  for (const auto& id : ids) {
    auto it = by_id.find(id);
    // Another's upload, not sent yet, is as good as absent.
    if (it == by_id.end() || it->second.owner_id != actor.id) return no_file(id);
    if (!it->second.message_id.empty()) {
      return Error{Code::kFailedPrecondition, "file " + id + " was already shared in a message"};
    }
    claim.files.push_back(it->second.file);
    claim.actions.push_back(store_.update_action(
        ChatStore::key(channel_key, keys::file(id)), "SET MessageId = :message",
        {{":message", S(message_id)}, {":me", S(keys::user(actor.id))}},
        "attribute_exists(SK) AND UploaderId = :me AND attribute_not_exists(MessageId)"));
  }
  return claim;
}

std::vector<ddb::TransactWriteItem> FileService::release_actions(const std::string& channel_id,
                                                                 const std::string& owner_id,
                                                                 const std::vector<Attachment>& files) {
  std::vector<ddb::TransactWriteItem> actions;
  if (files.empty()) return actions;
  int64_t total = 0;
  for (const auto& file : files) {
    actions.push_back(store_.delete_action(ChatStore::key(keys::channel(channel_id), keys::file(file.id))));
    total += file.size;
  }
  std::string user_key = keys::user(owner_id);
  actions.push_back(store_.update_action(ChatStore::key(user_key, user_key), "ADD FileBytes :minus",
                                         {{":minus", N(-total)}}, "attribute_exists(PK)"));
  return actions;
}

Result<FileService::SweepStats> FileService::sweep() {
  if (!blobs_) return Error{Code::kUnavailable, "file sharing is off on this server"};
  SweepStats stats;
  const int64_t now = store_.now_ms();
  std::set<std::string> referenced;
  ddb::ScanRequest scan;
  scan.table_name = store_.table();
  scan.filter_expression = "begins_with(SK, :file)";
  scan.expression_attribute_values = ddb::AttributeMap{{":file", S(std::string(keys::kFile))}};
  scan.consistent_read = true;
  for (;;) {
    auto page = store_.db().scan(scan);
    if (!page.ok()) return Error::FromStore(page.error());
    for (const auto& item : page->items.value_or(std::vector<ddb::AttributeMap>{})) {
      StoredFile stored = stored_file_from(item);
      ++stats.files;
      if (stored.message_id.empty() && now - stored.created_at_ms > options_.orphan_after_ms) {
        // An upload never sent: gone, and its bytes back in the quota,
        // unless a send took it meanwhile (the condition).
        std::string user_key = keys::user(stored.owner_id);
        std::vector<ddb::TransactWriteItem> actions;
        actions.push_back(
            store_.delete_action(ChatStore::key(keys::channel(stored.channel_id), keys::file(stored.file.id)),
                                 "attribute_exists(SK) AND attribute_not_exists(MessageId)"));
        actions.push_back(store_.update_action(ChatStore::key(user_key, user_key), "ADD FileBytes :minus",
                                               {{":minus", N(-stored.file.size)}}, "attribute_exists(PK)"));
        TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
        if (outcome.committed) {
          ++stats.orphans;
          continue;
        }
      }
      referenced.insert(stored.blob);
      if (!stored.thumbnail.empty()) referenced.insert(stored.thumbnail);
    }
    if (!page->last_evaluated_key) break;
    scan.exclusive_start_key = std::move(page->last_evaluated_key);
  }
  TH_ASSIGN_OR_RETURN(auto blobs, blobs_->list());
  for (const auto& blob : blobs) {
    if (referenced.count(blob.key) || now - blob.modified_ms < options_.blob_grace_ms) continue;
    TH_ASSIGN_OR_RETURN(bool removed, blobs_->remove_if_unchanged(blob.key, blob.modified_ms));
    if (removed) ++stats.blobs_removed;
  }
  return stats;
}

}  // namespace townhall::chat
