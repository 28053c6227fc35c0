#include "wire/http_message.h"

#include "net/crc32.h"

#include <chrono>
#include <ctime>
#include <random>

namespace townhall::wire {
namespace {

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 408:
      return "Request Timeout";
    case 413:
      return "Request Entity Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

void append_number(std::string& out, uint64_t n) {
  char digits[24];
  char* end = digits + sizeof digits;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  out.append(p, static_cast<size_t>(end - p));
}

// xorshift128+: request ids need to be unique, not unpredictable.
struct IdGenerator {
  uint64_t s0, s1;
  IdGenerator() {
    std::random_device device;
    s0 = (uint64_t{device()} << 32) ^ device() ^ 0x9E3779B97F4A7C15ull;
    s1 = (uint64_t{device()} << 32) ^ device();
    if (s0 == 0 && s1 == 0) s1 = 1;
  }
  uint64_t next() {
    uint64_t x = s0, y = s1;
    s0 = y;
    x ^= x << 23;
    s1 = x ^ y ^ (x >> 17) ^ (y >> 26);
    return s1 + y;
  }
};

}  // namespace

void HttpRequest::clear() {
  method.clear();
  target.clear();
  version = 11;
  keep_alive = true;
  field_count = 0;
  body.clear();
  expects_continue = false;
  content_type_index = amz_target_index = authorization_index = host_index = -1;
}

int HttpRequest::add_field(std::string_view name, std::string_view value) {
  if (field_count == fields.size()) fields.emplace_back();
  Field& field = fields[field_count];
  field.name.assign(name);
  field.value.assign(value);
  return static_cast<int>(field_count++);
}

void append_request_id(std::string& out) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  thread_local IdGenerator generator;
  for (int block = 0; block < 4; ++block) {
    uint64_t r = generator.next();
    for (int i = 0; i < 13; ++i) {  // 4 x 13 = 52 characters
      out.push_back(kAlphabet[r % 36]);
      r /= 36;
    }
  }
}

std::string_view http_date_now() {
  thread_local std::time_t last = 0;
  thread_local char text[40];
  thread_local size_t length = 0;
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  if (now != last) {
    last = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  }
  return {text, length};
}

void write_response_head(const HttpResponse& response, std::string& out) {
  out.append("HTTP/1.1 ");
  append_number(out, response.status);
  out.push_back(' ');
  out.append(reason_phrase(response.status));
  out.append("\r\nx-amzn-RequestId: ");
  append_request_id(out);
  out.append("\r\nx-amz-crc32: ");
  append_number(out, net::crc32(response.body));
  if (!response.content_type.empty()) {
    out.append("\r\nContent-Type: ");
    out.append(response.content_type);
  }
  out.append("\r\nContent-Length: ");
  append_number(out, response.body.size());
  out.append("\r\nDate: ");
  out.append(http_date_now());
  if (response.close) out.append("\r\nConnection: close");
  out.append("\r\n\r\n");
}

}  // namespace townhall::wire
