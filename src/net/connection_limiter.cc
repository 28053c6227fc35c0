#include "net/connection_limiter.h"

namespace townhall::net {

ConnectionLimiter::ConnectionLimiter(ConnectionLimits limits, std::shared_ptr<Budget> budget)
    : limits_(std::move(limits)), budget_(std::move(budget)) {}

ConnectionLimiter::Slot& ConnectionLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    key_ = std::move(other.key_);
  }
  return *this;
}

void ConnectionLimiter::Slot::release() {
  if (owner_) std::exchange(owner_, nullptr)->release(key_);
}

std::optional<ConnectionLimiter::Slot> ConnectionLimiter::try_acquire(const IpAddress& peer,
                                                                      Refusal* refusal) {
  auto refuse = [&](Refusal why) -> std::optional<Slot> {
    refused_.fetch_add(1, std::memory_order_relaxed);
    if (refusal) *refusal = why;
    return std::nullopt;
  };
  IpAddress address = canonical(peer);
  bool exempt = !limits_.exempt.empty() && limits_.exempt.contains(address);
  std::string key = exempt ? std::string() : address.to_string();
  {
    std::lock_guard lock(mutex_);
    if (open_.load(std::memory_order_relaxed) >= limits_.max_total) return refuse(Refusal::kTotal);
    if (!exempt) {
      auto it = per_address_.find(key);
      if (it != per_address_.end() && it->second >= limits_.max_per_address)
        return refuse(Refusal::kPerAddress);
    }
    if (budget_ && !budget_->try_take()) return refuse(Refusal::kBudget);
    if (!exempt) ++per_address_[key];
    open_.fetch_add(1, std::memory_order_relaxed);
  }
  if (refusal) *refusal = Refusal::kNone;
  return Slot(this, std::move(key));
}

void ConnectionLimiter::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (!key.empty()) {
    auto it = per_address_.find(key);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }
  open_.fetch_sub(1, std::memory_order_relaxed);
  if (budget_) budget_->give_back();
}

}  // namespace townhall::net
