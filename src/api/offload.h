// offload: runs a blocking function (a chat call, which waits on the store)
// on the worker pool and resumes the calling coroutine on its own executor
// (the session's strand) with the result. Network threads never block.
//
//   ApiResponse response = co_await offload(workers, [&] { return api.handle(request); });
//
// The function may capture the coroutine's locals by reference: the
// coroutine stays suspended until the function has returned.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <type_traits>
#include <utility>

namespace townhall::api {

template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> offload(boost::asio::thread_pool& pool, F f) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<F&>;
  auto executor = co_await asio::this_coro::executor;
  // The completion carries an optional so that R need not be default-constructible.
  std::optional<R> result =
      co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::optional<R>)>(
          [&pool, executor](auto handler, F fn) {
            auto work = asio::make_work_guard(executor);
            asio::post(
                pool, [handler = std::move(handler), fn = std::move(fn), work = std::move(work)]() mutable {
                  std::optional<R> value(fn());
                  auto target = work.get_executor();
                  asio::post(target, [handler = std::move(handler), value = std::move(value)]() mutable {
                    handler(std::move(value));
                  });
                });
          },
          asio::use_awaitable, std::move(f));
  co_return std::move(*result);
}

}  // namespace townhall::api
