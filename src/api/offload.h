// offload: runs a blocking function (a chat call, which waits on the store)
// on the worker pool and resumes the calling coroutine on its own executor
// (the session's network thread) with the result. Network threads never block.
//
//   ApiResponse response = co_await offload(workers, [&] { return api.handle(request); });
//
// The function may capture the coroutine's locals by reference: the
// coroutine stays suspended until the function has returned.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <type_traits>

namespace townhall::api {

template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> offload(boost::asio::thread_pool& pool, F f) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<F&>;
  auto executor = co_await asio::this_coro::executor;
  // The initiation is a named local on purpose: GCC 12 may destroy a
  // temporary with a non-trivial destructor (this one holds an executor)
  // twice when it appears in a co_await expression.
  auto initiation = [&pool, executor](auto handler, F fn) {
    asio::post(pool, [handler = std::move(handler), fn = std::move(fn), executor]() mutable {
      std::optional<R> value(fn());
      asio::post(executor, [handler = std::move(handler), value = std::move(value)]() mutable {
        handler(std::move(value));
      });
    });
  };
  // The completion carries an optional so that R need not be default-constructible.
  // No work guard: the Server keeps its io_context running until shutdown
  // has drained, so the resumption always runs.
  std::optional<R> result =
      co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::optional<R>)>(
          initiation, asio::use_awaitable, std::move(f));
  co_return std::move(*result);
}

}  // namespace townhall::api
