#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "api/offload.h"
#include "chat/options.h"
#include "realtime/websocket_session.h"

namespace townhall::realtime {
namespace asio = boost::asio;
namespace beast = boost::beast;
using api::offload;

namespace {

constexpr size_t kReplayPage = 100;

// A resume cursor for "now, less a second": a subscription that has sent
// nothing yet resyncs from here. It is shaped like a message id (seconds,
// '#', milliseconds) and sorts before every id minted from that millisecond
// on; the second covers ids minted before their commit.
std::string cursor_before_now() {
  int64_t ms = chat::wall_clock_ms() - 1000;
  return fmt::format("{:010d}#{:013d}", ms / 1000, ms);
}

}  // namespace

asio::awaitable<void> WebSocketSession::subscribe(const JsonObject& frame) {
  auto channels = frame.channel_list("channels");
  if (!channels.ok()) {
    send_error("invalid_argument", channels.error().message);
    co_return;
  }
  for (const auto& entry : *channels) {
    if (closing_) co_return;
    co_await subscribe_one(entry.id, entry.after);
  }
}

// Resume without gap or duplicate: register with the hub first (live events
// are held from then on), read what was missed from the table page by page,
// then release the held events minus the messages the replay already sent.
// Whatever commits after registration is either in the table read or held.
asio::awaitable<void> WebSocketSession::subscribe_one(const std::string& channel_id, const std::string& after,
                                                      std::optional<int64_t> resync_since) {
  const WebSocketOptions& options = context_.options;
  const chat::User user = *user_;
  const uint16_t this_node = context_.api.chat().options().node_id;
  uint64_t generation = next_generation_++;
  bool resync = resync_since.has_value();
  std::string cursor = after;
  if (resync) {
    auto it = subscriptions_.find(channel_id);
    if (it == subscriptions_.end()) co_return;
    if (it->second.catching_up()) {
      it->second.request_resync(*resync_since);  // its catch-up reads once more before going live
      co_return;
    }
    it->second.restart_catch_up(generation);
    cursor = it->second.resync_start(*resync_since);
  } else {
    if (!subscriptions_.count(channel_id) && subscriptions_.size() >= options.max_subscriptions) {
      send_error("invalid_argument", "too many subscriptions", {}, channel_id);
      co_return;
    }
    auto access = co_await offload(
        context_.workers, [&] { return context_.api.chat().channels().read_access(user, channel_id); });
    if (closing_) co_return;
    if (!access.ok()) {
      send_chat_error(access.error(), {}, channel_id);
      co_return;
    }
    subscriptions_.erase(channel_id);
    auto& subscription =
        subscriptions_.emplace(channel_id, ChannelSubscription(options.max_queue_frames * 4)).first->second;
    subscription.set_generation(generation);
    subscription.set_private(access->is_private);
    // Where this client stands: a later resync continues from here.
    subscription.set_baseline(after.empty() ? cursor_before_now() : after);
    context_.hub.subscribe(channel_id, shared_from_this());
  }
  // This catch-up's subscription, or end() once a newer subscribe replaced it.
  auto current = [&] {
    auto it = subscriptions_.find(channel_id);
    if (closing_ || it == subscriptions_.end() || it->second.generation() != generation)
      return subscriptions_.end();
    return it;
  };

  size_t replayed = 0;
  bool complete = true;
  // Pages fit in half the outgoing queue, and each waits for the queue to
  // drain: a long replay never trips the slow-consumer cut-off by itself.
  const int page_size = static_cast<int>(std::clamp<size_t>(options.max_queue_frames / 2, 1, kReplayPage));
  while (!cursor.empty()) {
    co_await wait_for_room();
    if (current() == subscriptions_.end()) co_return;
    auto page = co_await offload(context_.workers, [&] {
      return context_.api.chat().messages().after(user, channel_id, cursor, page_size);
    });
    auto it = current();
    if (it == subscriptions_.end()) co_return;
    if (!page.ok()) {
      subscriptions_.erase(it);
      context_.hub.unsubscribe(channel_id, this);
      send_chat_error(page.error(), {}, channel_id);
      co_return;
    }
    for (const auto& message : page->items) {
      if (resync && !it->second.resync_needs(message.id, this_node)) {
        it->second.set_baseline(message.id);  // read: what precedes it is accounted for
        continue;
      }
      if (!it->second.on_replay(message.id)) continue;
      it->second.note_replayed(message.id);
      enqueue(api::replayed_message_json(message));
      ++replayed;
    }
    cursor = page->next_cursor;
    if (!cursor.empty() && replayed >= options.max_replay) {
      complete = false;  // the client reads the rest over REST (?after=)
      cursor.clear();
    }
    // A resync arrived during this catch-up: read once more, as a resync,
    // before going live.
    if (cursor.empty() && complete) {
      if (auto since = it->second.take_resync_request()) {
        cursor = it->second.resync_start(*since);
        resync = true;
      }
    }
  }
  auto it = current();
  if (it == subscriptions_.end()) co_return;
  for (auto& event : it->second.finish_catch_up()) {
    if (event->kind == chat::ChannelEvent::Kind::kMessageCreated) it->second.note_live(event->message_id);
    enqueue(event->json);
    context_.metrics.messages_delivered.fetch_add(1, std::memory_order_relaxed);
  }
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string(resync_since ? "resynced" : "subscribed");
  w.key("channel");
  w.string(channel_id);
  w.key("replayed");
  w.integer(static_cast<int64_t>(replayed));
  w.key("complete");
  w.boolean(complete);
  w.end_object();
  enqueue(std::move(out));
}

void WebSocketSession::resync(std::vector<std::string> channels, int64_t since_ms,
                              std::chrono::milliseconds jitter) {
  auto run = [self = shared_from_this(), channels = std::move(channels), since_ms, jitter] {
    if (self->closing_) return;
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::uniform_int_distribution<int64_t> delay(0, std::max<int64_t>(0, jitter.count()));
    auto start = [&](const std::string& channel_id) {
      asio::co_spawn(
          self->ws_->get_executor(),
          [self, channel_id, since_ms, wait = std::chrono::milliseconds(delay(random))] {
            return self->resync_one(channel_id, since_ms, wait);
          },
          asio::detached);
    };
    if (channels.empty()) {
      for (const auto& [channel_id, subscription] : self->subscriptions_) start(channel_id);
    } else {
      for (const auto& channel_id : channels) {
        if (self->subscriptions_.count(channel_id)) start(channel_id);
      }
    }
  };
  asio::post(ws_->get_executor(), std::move(run));
}

asio::awaitable<void> WebSocketSession::resync_one(std::string channel_id, int64_t since_ms,
                                                   std::chrono::milliseconds delay) {
  if (delay.count() > 0) {
    asio::steady_timer timer(ws_->get_executor(), delay);
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (closing_) co_return;
  co_await subscribe_one(channel_id, {}, since_ms);
}

// A long replay goes out a page at a time, each once the writer has room,
// so that it never trips the slow-consumer cut-off by itself.
asio::awaitable<void> WebSocketSession::wait_for_room() {
  while (!closing_ && !writer_.has_room()) {
    writer_.drained().expires_after(std::chrono::seconds(1));
    beast::error_code ec;
    co_await writer_.drained().async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void WebSocketSession::unsubscribe_all() {
  for (const auto& [channel_id, subscription] : subscriptions_) context_.hub.unsubscribe(channel_id, this);
  subscriptions_.clear();
  if (user_) context_.hub.unsubscribe(chat::inbox_key(user_->id), this);
}

}  // namespace townhall::realtime
