// FrameWriter: a WebSocket's outgoing side. Frames wait in a bounded
// OutboundQueue with one write in flight; a client that asked for batching
// (/ws?batch=1) gets what queued behind that write as one frame of
// newline-separated events, so a busy connection costs one write per batch,
// not per event. A client that lets the queue fill is a slow consumer: push
// reports it and the session closes the socket (4008), so one slow client
// never slows a sender or anyone else.
//
// Not thread-safe: used from the session's loop only.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

#include "realtime/outbound_queue.h"
#include "realtime/websocket_stream.h"

namespace townhall::realtime {

class FrameWriter {
 public:
  // owner: kept alive while a write is in flight (the session).
  FrameWriter(WebSocketStream& ws, size_t max_frames, size_t max_bytes, bool batch);

  // Queues a frame and starts a write if none is in flight. False when the
  // queue is full (a slow consumer); nothing is queued then.
  bool push(std::shared_ptr<const std::string> frame, const std::shared_ptr<void>& owner);
  // Stop writing (the session is closing); queued frames are dropped.
  void stop() { stopped_ = true; }
  bool failed() const { return failed_; }

  // For replays: whether the queue has room for a page (under a quarter
  // full), and a timer that is cancelled when it drains to that point.
  bool has_room() const { return queue_.size() <= queue_.max_frames() / 4; }
  boost::asio::steady_timer& drained() { return drained_; }
  size_t queued() const { return queue_.size(); }

 private:
  static constexpr size_t kMaxBatchFrames = 256;
  static constexpr size_t kMaxBatchBytes = 256 * 1024;
  void write_next(std::shared_ptr<void> owner);

  WebSocketStream& ws_;
  OutboundQueue queue_;
  const bool batch_;
  std::string batch_buffer_;
  bool writing_ = false;
  bool stopped_ = false;
  bool failed_ = false;
  boost::asio::steady_timer drained_;
};

}  // namespace townhall::realtime
