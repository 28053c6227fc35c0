// SteppedFlatBuffer: a beast::flat_buffer for a WebSocket's reads that lets
// Beast prepare room in small steps. Beast's read prepares a whole TCP
// frame's worth (1,536 bytes) before any data arrives, so every idle socket
// with a read pending holds that much; this buffer reports a max_size only
// a step above its size (the step doubling as a message grows, up to the
// real limit), so a pending read holds 128 bytes and a large message still
// reads in a few rounds, each from Beast's own buffer.
//
// A DynamicBuffer (v1) for Beast; not thread-safe.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>

#include <algorithm>
#include <cstddef>
#include <limits>

namespace townhall::realtime {

class SteppedFlatBuffer {
 public:
  using const_buffers_type = boost::beast::flat_buffer::const_buffers_type;
  using mutable_buffers_type = boost::beast::flat_buffer::mutable_buffers_type;

  std::size_t size() const { return buffer_.size(); }
  std::size_t max_size() const {
    return std::min(limit_, buffer_.size() + std::max(kFirstStep, buffer_.size()));
  }
  std::size_t capacity() const { return buffer_.capacity(); }
  const_buffers_type data() const { return buffer_.data(); }
  const_buffers_type cdata() const { return buffer_.cdata(); }
  mutable_buffers_type data() { return buffer_.data(); }
  mutable_buffers_type prepare(std::size_t n) { return buffer_.prepare(n); }
  void commit(std::size_t n) { buffer_.commit(n); }
  void consume(std::size_t n) { buffer_.consume(n); }
  void shrink_to_fit() { buffer_.shrink_to_fit(); }

 private:
  static constexpr std::size_t kFirstStep = 128;
  std::size_t limit_ = std::numeric_limits<std::size_t>::max();  // the WebSocket's read_message_max applies
  boost::beast::flat_buffer buffer_;
};

}  // namespace townhall::realtime
