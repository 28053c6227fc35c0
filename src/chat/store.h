// ChatStore: the chat services' access to the table, over ddb::Database
// only. It names the table, maps store errors into chat errors, retries
// transactions that lost a race, and builds the requests the services share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chat/error.h"
#include "chat/options.h"
#include "ddb/database.h"

namespace townhall::chat {

class ChatStore {
 public:
  ChatStore(ddb::Database& db, ChatOptions options);

  ddb::Database& db() { return db_; }
  const ChatOptions& options() const { return options_; }
  const std::string& table() const { return options_.table_name; }
  int64_t now_ms() const { return options_.clock_ms(); }
  // Today's date (UTC) as YYYY-MM-DD, the notebook's JoinedAt.
  std::string today() const;

  // A strongly consistent GetItem; nullopt when the item does not exist.
  Result<std::optional<ddb::AttributeMap>> get(std::string pk, std::string sk);
  Result<ddb::QueryResponse> query(ddb::QueryRequest request);
  // Strongly consistent BatchGetItem of up to 100 keys (unprocessed keys are
  // asked again); the items found, in no particular order.
  Result<std::vector<ddb::AttributeMap>> batch_get(std::vector<ddb::AttributeMap> keys);
  Status put(ddb::AttributeMap item);
  Status remove(std::string pk, std::string sk);

  // The outcome of a transaction the store answered: committed, or cancelled
  // with one reason code per action ("None", "ConditionalCheckFailed", ...).
  struct TransactOutcome {
    bool committed = false;
    std::vector<std::string> reasons;
    bool failed(size_t action) const {
      return action < reasons.size() && reasons[action] == "ConditionalCheckFailed";
    }
  };
  // Runs a TransactWriteItems on the chat table, retrying transaction
  // conflicts a few times; other store errors become chat errors.
  Result<TransactOutcome> transact(std::vector<ddb::TransactWriteItem> actions);

  // Builders for transaction actions on the chat table.
  ddb::TransactWriteItem put_action(ddb::AttributeMap item, std::optional<std::string> condition = {}) const;
  ddb::TransactWriteItem update_action(ddb::AttributeMap key, std::string update, ddb::AttributeMap values,
                                       std::optional<std::string> condition = {}) const;
  ddb::TransactWriteItem delete_action(ddb::AttributeMap key, std::optional<std::string> condition = {},
                                       ddb::AttributeMap values = {}) const;
  ddb::TransactWriteItem check_action(ddb::AttributeMap key, std::string condition,
                                      ddb::AttributeMap values = {}) const;

  static ddb::AttributeMap key(std::string pk, std::string sk);

 private:
  ddb::Database& db_;
  ChatOptions options_;
};

}  // namespace townhall::chat
