// The HTTP request and response as the endpoint handles them: plain structs
// a connection reuses from one request to the next (their strings keep their
// capacity), so a steady stream of requests allocates almost nothing.
//
// Thread-safety: none; each belongs to one connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace townhall::wire {

struct HttpRequest {
  struct Field {
    std::string name;  // as received
    std::string value;
  };

  std::string method;  // "POST"
  std::string target;  // "/"
  unsigned version = 11;
  bool keep_alive = true;
  std::vector<Field> fields;  // fields[0, field_count) are this request's
  size_t field_count = 0;
  std::string body;

  // The headers the endpoint reads, found while parsing; empty when absent.
  std::string_view content_type() const { return value_at(content_type_index); }
  std::string_view amz_target() const { return value_at(amz_target_index); }
  std::string_view authorization() const { return value_at(authorization_index); }
  bool has_authorization() const { return authorization_index >= 0; }
  std::string_view host() const { return value_at(host_index); }
  bool expects_continue = false;  // "Expect: 100-continue"

  int content_type_index = -1;
  int amz_target_index = -1;
  int authorization_index = -1;
  int host_index = -1;

  // Forgets the previous request, keeping the storage.
  void clear();
  // Adds a header; returns its index.
  int add_field(std::string_view name, std::string_view value);

 private:
  std::string_view value_at(int index) const {
    return index < 0 ? std::string_view() : std::string_view(fields[static_cast<size_t>(index)].value);
  }
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  // Empty: no Content-Type header.
  std::string_view content_type = "application/x-amz-json-1.0";
  bool head_only = false;  // answer to HEAD: the headers of the body, not the body
  bool close = false;      // Connection: close after this response

  void clear() {
    status = 200;
    body.clear();
    content_type = "application/x-amz-json-1.0";
    head_only = false;
    close = false;
  }
};

// The status line and headers of response (x-amzn-RequestId, x-amz-crc32 of
// the body, Content-Type, Content-Length, Date), ending with the blank line.
void write_response_head(const HttpResponse& response, std::string& out);

// A fresh 52-character request id in DynamoDB's alphabet (A-Z, 0-9).
void append_request_id(std::string& out);
// The current time as an HTTP Date header value, formatted at most once a second per thread.
std::string_view http_date_now();

}  // namespace townhall::wire
