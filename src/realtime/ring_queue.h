// RingQueue: a FIFO over one growable array that allocates nothing until the
// first push and gives a burst's memory back once it drains, unlike std::deque,
// whose libstdc++ implementation allocates about 600 bytes even when empty.
// Every WebSocket keeps two of these (its outgoing frames, the ids it sent
// per subscription), so at 10,000 idle sockets that difference is megabytes.
//
// Not thread-safe.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace townhall::realtime {

template <class T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  T& front() { return slots_[head_]; }
  const T& front() const { return slots_[head_]; }
  // The i-th element from the front. REQUIRES: i < size().
  const T& operator[](size_t i) const { return slots_[(head_ + i) % slots_.size()]; }

  void push_back(T value) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) % slots_.size()] = std::move(value);
    ++size_;
  }

  void pop_front() {
    slots_[head_] = T();
    head_ = (head_ + 1) % slots_.size();
    if (--size_ == 0 && slots_.size() > kKeptSlots) release();
  }

 private:
  void grow() {
    std::vector<T> bigger;
    bigger.reserve(slots_.empty() ? kFirstSlots : slots_.size() * 2);
    for (size_t i = 0; i < size_; ++i) bigger.push_back(std::move(slots_[(head_ + i) % slots_.size()]));
    bigger.resize(bigger.capacity());
    slots_ = std::move(bigger);
    head_ = 0;
  }
  // Most sockets only ever hold a frame or two (a subscription's answer, a
  // rare event): 2 slots, not 8, are 1 MB less at 10,000 idle sockets.
  static constexpr size_t kFirstSlots = 2;
  // A drained queue keeps a small array (a steady trickle must not allocate
  // per element) and gives back what a burst grew it to.
  static constexpr size_t kKeptSlots = 8;
  void release() {
    std::vector<T>().swap(slots_);
    head_ = 0;
  }

  std::vector<T> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
};

}  // namespace townhall::realtime
