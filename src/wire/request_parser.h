// RequestParser: Beast's HTTP/1.1 parser (hardened against hostile input:
// limits, chunked encoding, malformed syntax) filling a reused HttpRequest
// instead of allocating a node per header.
//
// Thread-safety: none; one per request, on the connection's thread.
#pragma once

#include <boost/beast/http/basic_parser.hpp>

#include "wire/http_message.h"

namespace townhall::wire {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // Clears request and fills it as bytes arrive. REQUIRES: request outlives the parser.
  RequestParser(HttpRequest& request, size_t max_header_bytes, size_t max_body_bytes);

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(boost::beast::http::field name, string_view name_string, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code& ec) override;
  size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;

  HttpRequest& request_;
};

}  // namespace townhall::wire
