// TransactWriteItems and TransactGetItems.
#include <deque>
#include <set>

#include "ddb/expression.h"
#include "ddb/json_codec.h"
#include "engine/multi_write.h"
#include "engine/request_checks.h"

namespace townhall::engine {

using ddb::AttributeMap;
using ddb::Error;
using ddb::Expressions;

namespace {

constexpr size_t kMaxTransactItems = 100;

struct ActionRef {
  const ddb::TransactWriteAction* action;
  Expressions::TransactKind kind;
  const char* member;  // for messages: "conditionCheck", "put", "delete", "update"
};

ddb::Result<ActionRef> action_of(const ddb::TransactWriteItem& item) {
  int count = item.condition_check.has_value() + item.put.has_value() + item.delete_.has_value() +
              item.update.has_value();
  if (count != 1) {
    return Error::Validation("TransactItems can only contain one of Check, Put, Update or Delete");
  }
  if (item.condition_check)
    return ActionRef{&*item.condition_check, Expressions::TransactKind::kConditionCheck, "conditionCheck"};
  if (item.put) return ActionRef{&*item.put, Expressions::TransactKind::kPut, "put"};
  if (item.delete_) return ActionRef{&*item.delete_, Expressions::TransactKind::kDelete, "delete"};
  return ActionRef{&*item.update, Expressions::TransactKind::kUpdate, "update"};
}

Error canceled(std::vector<ddb::CancellationReason> reasons) {
  std::string message = "Transaction cancelled, please refer cancellation reasons for specific reasons [";
  for (size_t i = 0; i < reasons.size(); ++i) message += (i ? ", " : "") + reasons[i].code;
  message += "]";
  Error error{ddb::ErrorCode::kTransactionCanceled, std::move(message)};
  error.cancellation_reasons = std::move(reasons);
  return error;
}

}  // namespace

ddb::Result<ddb::TransactWriteItemsResponse> Engine::transact_write_items(
    const ddb::TransactWriteItemsRequest& request) {
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  if (request.transact_items.empty() || request.transact_items.size() > kMaxTransactItems) {
    return Error::Validation(request.transact_items.empty()
                                 ? "Member must have length greater than or equal to 1"
                                 : "Member must have length less than or equal to 100");
  }
  std::string fingerprint;
  if (request.client_request_token) {
    if (request.client_request_token->empty() || request.client_request_token->size() > 36) {
      return Error::Validation(
          "1 validation error detected: Value '" + *request.client_request_token +
          "' at 'clientRequestToken' failed to satisfy constraint: Member must have length "
          "less than or equal to 36");
    }
    ddb::TransactWriteItemsRequest canonical = request;
    canonical.return_consumed_capacity.reset();
    canonical.return_item_collection_metrics.reset();
    fingerprint = ddb::encode_json(canonical);
    switch (context_->transaction_tokens.begin(*request.client_request_token, fingerprint)) {
      case IdempotencyCache::Lookup::kNew:
        break;
      case IdempotencyCache::Lookup::kSameRequest:
        return ddb::TransactWriteItemsResponse{};  // already committed: do not write again
      case IdempotencyCache::Lookup::kInProgress:
        return Error{ddb::ErrorCode::kTransactionInProgress,
                     "Transaction with the same client request token is in progress"};
      case IdempotencyCache::Lookup::kMismatch:
        return Error{
            ddb::ErrorCode::kIdempotentParameterMismatch,
            "The request uses the same client request token as a previous, but non-identical request."};
    }
  }
  auto result = run_transaction(request);
  if (request.client_request_token) {
    context_->transaction_tokens.finish(*request.client_request_token, result.ok());
  }
  return result;
}

ddb::Result<ddb::TransactWriteItemsResponse> Engine::run_transaction(
    const ddb::TransactWriteItemsRequest& request) {
  // Validate every action before touching anything.
  std::vector<Expressions> expressions;
  expressions.reserve(request.transact_items.size());
  std::vector<MultiWriteItem> items;
  items.reserve(request.transact_items.size());
  std::set<std::pair<uint32_t, std::string>> seen;
  // A deque keeps the flags' addresses stable as it grows.
  std::deque<bool> update_failures;
  for (size_t i = 0; i < request.transact_items.size(); ++i) {
    TH_ASSIGN_OR_RETURN(ActionRef ref, action_of(request.transact_items[i]));
    const auto& action = *ref.action;
    if (ref.kind == Expressions::TransactKind::kConditionCheck && !action.condition_expression) {
      return Error::Validation("Value null at 'transactItems." + std::to_string(i + 1) + ".member." +
                               ref.member +
                               ".conditionExpression' failed to satisfy constraint: Member must not be null");
    }
    TH_RETURN_IF_ERROR(
        check_return_values_on_condition_check_failure(action.return_values_on_condition_check_failure));
    TH_ASSIGN_OR_RETURN(Expressions parsed, Expressions::for_request(action, ref.kind));
    expressions.push_back(std::move(parsed));
    TH_ASSIGN_OR_RETURN(auto handle, find_table(*context_, action.table_name));
    auto schema = handle->schema();
    MultiWriteItem item;
    item.handle = handle;
    if (ref.kind == Expressions::TransactKind::kPut) {
      if (!action.item) {
        return Error::Validation("Value null at 'transactItems." + std::to_string(i + 1) +
                                 ".member.put.item' failed to satisfy constraint: Member must not be null");
      }
      TH_ASSIGN_OR_RETURN(item.key, encode_base_key(*schema, *action.item, KeySource::kItem));
      TH_RETURN_IF_ERROR(validate_item_for_write(*schema, *action.item));
    } else {
      if (!action.key) {
        return Error::Validation("Value null at 'transactItems." + std::to_string(i + 1) + ".member." +
                                 ref.member + ".key' failed to satisfy constraint: Member must not be null");
      }
      TH_ASSIGN_OR_RETURN(item.key, encode_base_key(*schema, *action.key, KeySource::kKey));
    }
    if (ref.kind == Expressions::TransactKind::kUpdate) {
      TH_RETURN_IF_ERROR(check_update_leaves_key_alone(*schema, expressions.back()));
    }
    if (!seen.insert({schema->id, item.key}).second) {
      return Error::Validation("Transaction request cannot include multiple operations on one item");
    }
    const Expressions& expr = expressions.back();
    const bool return_old = return_old_on_failure(action.return_values_on_condition_check_failure);
    item.check_only = ref.kind == Expressions::TransactKind::kConditionCheck;
    update_failures.push_back(false);
    item.mutation = [&expr, &action, kind = ref.kind, return_old, failed = &update_failures.back()](
                        const AttributeMap* old_item) -> ddb::Result<std::optional<AttributeMap>> {
      TH_ASSIGN_OR_RETURN(bool holds, expr.condition_holds(old_item));
      if (!holds) {
        return Error::ConditionalCheckFailed(return_old && old_item ? std::optional(*old_item)
                                                                    : std::nullopt);
      }
      switch (kind) {
        case Expressions::TransactKind::kConditionCheck:
          return old_item ? std::optional(*old_item) : std::nullopt;
        case Expressions::TransactKind::kPut:
          return std::optional(*action.item);
        case Expressions::TransactKind::kDelete:
          return std::optional<AttributeMap>();
        case Expressions::TransactKind::kUpdate: {
          AttributeMap updated = old_item ? *old_item : *action.key;
          if (expr.has_update()) {
            auto applied = expr.apply_update(updated);
            if (!applied.ok()) {
              *failed = true;  // a bad update fails the request, not as a cancellation reason
              return std::move(applied).error();
            }
          }
          TH_RETURN_IF_ERROR(check_updated_item_size(updated));
          return std::optional(std::move(updated));
        }
      }
      return std::optional<AttributeMap>();
    };
    items.push_back(std::move(item));
  }

  TH_ASSIGN_OR_RETURN(bool committed, run_multi_write(*context_, items));
  if (!committed) {
    // DynamoDB answers an update expression that cannot apply (a wrong
    // operand type) with a plain ValidationException.
    for (size_t i = 0; i < items.size(); ++i) {
      if (update_failures[i] && items[i].error) return std::move(*items[i].error);
    }
    std::vector<ddb::CancellationReason> reasons;
    for (auto& item : items) {
      ddb::CancellationReason reason;
      if (!item.error) {
        reason.code = "None";
      } else if (item.error->is(ddb::ErrorCode::kConditionalCheckFailed)) {
        reason.code = "ConditionalCheckFailed";
        reason.message = item.error->message;
        reason.item = std::move(item.error->item);
      } else {
        reason.code = "ValidationError";
        reason.message = item.error->message;
      }
      reasons.push_back(std::move(reason));
    }
    return canceled(std::move(reasons));
  }
  ddb::TransactWriteItemsResponse response;
  if (wants_capacity(request.return_consumed_capacity)) {
    // Transactional writes cost twice the units of plain ones.
    std::map<std::string, WriteUnits> per_table;
    for (auto& item : items) {
      WriteUnits units = item.units;
      if (item.check_only) units.table = 1;
      per_table[item.handle->schema()->name].add(units);
    }
    response.consumed_capacity.emplace();
    for (auto& [table_name, units] : per_table) {
      units.table *= 2;
      for (auto& [name, u] : units.global_indexes) u *= 2;
      for (auto& [name, u] : units.local_indexes) u *= 2;
      auto capacity = write_capacity(table_name, units, request.return_consumed_capacity);
      capacity.write_capacity_units = capacity.capacity_units;
      response.consumed_capacity->push_back(std::move(capacity));
    }
  }
  return response;
}

ddb::Result<ddb::TransactGetItemsResponse> Engine::transact_get_items(
    const ddb::TransactGetItemsRequest& request) {
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  if (request.transact_items.empty() || request.transact_items.size() > kMaxTransactItems) {
    return Error::Validation(request.transact_items.empty()
                                 ? "Member must have length greater than or equal to 1"
                                 : "Member must have length less than or equal to 100");
  }
  std::vector<Expressions> expressions;
  std::vector<std::string> keys;
  std::set<std::pair<uint32_t, std::string>> seen;
  for (const auto& item : request.transact_items) {
    TH_ASSIGN_OR_RETURN(Expressions parsed, Expressions::for_request(item.get));
    expressions.push_back(std::move(parsed));
    TH_ASSIGN_OR_RETURN(auto handle, find_table(*context_, item.get.table_name));
    auto schema = handle->schema();
    TH_ASSIGN_OR_RETURN(std::string key, encode_base_key(*schema, item.get.key, KeySource::kKey));
    if (!seen.insert({schema->id, key}).second) {
      return Error::Validation("Transaction request cannot include multiple operations on one item");
    }
    keys.push_back(std::move(key));
  }
  // One snapshot: every item as of the same moment, between committed batches.
  auto snapshot = context_->store.snapshot();
  ddb::TransactGetItemsResponse response;
  std::map<std::string, double> units;
  for (size_t i = 0; i < keys.size(); ++i) {
    TH_ASSIGN_OR_RETURN(std::optional<AttributeMap> item,
                        read_item(context_->store, keys[i], snapshot.get()));
    size_t size = item ? ddb::item_size_bytes(*item) : 0;
    units[request.transact_items[i].get.table_name] += 2 * read_units(size, true);
    ddb::ItemResponse entry;
    if (item) entry.item = expressions[i].has_projection() ? expressions[i].project(*item) : std::move(*item);
    response.responses.push_back(std::move(entry));
  }
  if (wants_capacity(request.return_consumed_capacity)) {
    response.consumed_capacity.emplace();
    for (const auto& [table_name, u] : units) {
      auto capacity = read_capacity(table_name, u, request.return_consumed_capacity);
      capacity.read_capacity_units = u;
      response.consumed_capacity->push_back(std::move(capacity));
    }
  }
  return response;
}

}  // namespace townhall::engine
