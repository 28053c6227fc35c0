#include "realtime/frame_writer.h"

#include <boost/asio/buffer.hpp>

namespace townhall::realtime {

namespace asio = boost::asio;
namespace beast = boost::beast;

FrameWriter::FrameWriter(WebSocketStream& ws, size_t max_frames, size_t max_bytes, bool batch)
    : ws_(ws), queue_(max_frames, max_bytes), batch_(batch), drained_(ws.get_executor()) {}

bool FrameWriter::push(std::shared_ptr<const std::string> frame, const std::shared_ptr<void>& owner) {
  if (stopped_) return true;
  if (!queue_.push(std::move(frame))) return false;
  if (!writing_) write_next(owner);
  return true;
}

void FrameWriter::write_next(std::shared_ptr<void> owner) {
  writing_ = true;
  size_t frames = 1;
  asio::const_buffer payload = asio::buffer(queue_.front());
  if (batch_ && queue_.size() > 1) {
    batch_buffer_.clear();
    batch_buffer_.append(queue_.front());
    while (frames < queue_.size() && frames < kMaxBatchFrames && batch_buffer_.size() < kMaxBatchBytes) {
      batch_buffer_.push_back('\n');
      batch_buffer_.append(queue_.at(frames));
      ++frames;
    }
    payload = asio::buffer(batch_buffer_);
  }
  ws_.async_write_text(payload,
                       [this, owner = std::move(owner), frames](beast::error_code ec, size_t) mutable {
                         for (size_t i = 0; i < frames; ++i) queue_.pop();
                         if (ec || stopped_) {
                           writing_ = false;
                           failed_ = failed_ || static_cast<bool>(ec);
                           stopped_ = true;
                           return;
                         }
                         if (has_room()) drained_.cancel();
                         if (queue_.empty()) {
                           writing_ = false;
                         } else {
                           write_next(std::move(owner));
                         }
                       });
}

}  // namespace townhall::realtime
