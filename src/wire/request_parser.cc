#include "wire/request_parser.h"

#include <simdjson.h>

#include "net/text.h"

namespace townhall::wire {

namespace http = boost::beast::http;
using net::iequals;

RequestParser::RequestParser(HttpRequest& request, size_t max_header_bytes, size_t max_body_bytes)
    : request_(request) {
  request_.clear();
  header_limit(static_cast<std::uint32_t>(max_header_bytes));
  body_limit(max_body_bytes);
}

void RequestParser::on_request_impl(http::verb, string_view method_str, string_view target, int version,
                                    error_code&) {
  request_.method.assign(method_str);
  request_.target.assign(target);
  request_.version = static_cast<unsigned>(version);
}

void RequestParser::on_field_impl(http::field name, string_view name_string, string_view value, error_code&) {
  int index = request_.add_field(name_string, value);
  switch (name) {
    case http::field::content_type:
      request_.content_type_index = index;
      break;
    case http::field::authorization:
      request_.authorization_index = index;
      break;
    case http::field::host:
      request_.host_index = index;
      break;
    case http::field::expect:
      request_.expects_continue = iequals(value, "100-continue");
      break;
    case http::field::unknown:
      if (iequals(name_string, "x-amz-target")) request_.amz_target_index = index;
      break;
    default:
      break;
  }
}

void RequestParser::on_header_impl(error_code&) { request_.keep_alive = keep_alive(); }

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>& content_length, error_code&) {
  // The body limit is checked before this call, so the size is bounded.
  // With room for simdjson's padding, so the body can be parsed in place.
  if (content_length)
    request_.body.reserve(static_cast<size_t>(*content_length) + simdjson::SIMDJSON_PADDING);
}

size_t RequestParser::on_body_impl(string_view body, error_code&) {
  request_.body.append(body);
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  request_.body.append(body);
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) { request_.keep_alive = keep_alive(); }

}  // namespace townhall::wire
