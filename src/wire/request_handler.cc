#include "wire/request_handler.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <optional>

#include <simdjson.h>

#include "ddb/json_codec.h"
#include "net/text.h"
#include "wire/operations.h"

namespace townhall::wire {
namespace {

using net::iequals;

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kStreamsTargetPrefix = "DynamoDBStreams_20120810.";

// "application/x-amz-json-1.0; charset=utf-8" -> "application/x-amz-json-1.0"
bool is_json_content_type(std::string_view value) {
  value = net::trim(value.substr(0, value.find(';')));
  return iequals(value, "application/x-amz-json-1.0") || iequals(value, "application/json");
}

ddb::ErrorCode to_error_code(sigv4::ErrorKind kind) {
  switch (kind) {
    case sigv4::ErrorKind::kMissingAuthenticationToken:
      return ddb::ErrorCode::kMissingAuthenticationToken;
    case sigv4::ErrorKind::kIncompleteSignature:
      return ddb::ErrorCode::kIncompleteSignature;
    case sigv4::ErrorKind::kInvalidSignature:
      return ddb::ErrorCode::kInvalidSignature;
    case sigv4::ErrorKind::kUnrecognizedClient:
      return ddb::ErrorCode::kUnrecognizedClient;
  }
  return ddb::ErrorCode::kInternalServerError;
}

std::optional<ddb::Error> check_signature(const HandlerContext& context, const HttpRequest& request,
                                          std::chrono::system_clock::time_point now) {
  if (context.keys == nullptr && !request.has_authorization()) {
    return ddb::Error{ddb::ErrorCode::kMissingAuthenticationToken, "Request is missing Authentication Token"};
  }
  sigv4::Request signed_request{request.method, request.target, {}, request.body};
  signed_request.headers.reserve(request.field_count);
  for (size_t i = 0; i < request.field_count; ++i) {
    signed_request.headers.push_back({request.fields[i].name, request.fields[i].value});
  }
  sigv4::VerifyOptions options;
  options.keys = context.keys;
  options.region = context.region;
  if (auto error = sigv4::verify(signed_request, options, now)) {
    return ddb::Error{to_error_code(error->kind), std::move(error->message)};
  }
  return std::nullopt;
}

const Operation* target_operation(const HttpRequest& request) {
  std::string_view target = request.amz_target();
  if (target.starts_with(kTargetPrefix)) return find_operation(target.substr(kTargetPrefix.size()));
  if (target.starts_with(kStreamsTargetPrefix)) {
    return find_streams_operation(target.substr(kStreamsTargetPrefix.size()));
  }
  return nullptr;
}

}  // namespace

namespace {

// The top-level "Limit" of a JSON object, or -1 when it is absent or the
// text is not what it should be (the decoder reports that later). simdjson's
// on-demand parser reads only as far as it must (98 ns for a chat history
// Query, where the hand-written scan it replaced took 122 ns).
long top_level_limit(const std::string& body) {
  thread_local simdjson::ondemand::parser parser;
  simdjson::ondemand::document document;
  // simdjson reads up to SIMDJSON_PADDING bytes past the text: the request
  // parser reserves them (request_parser.cc); a body that lacks them is copied.
  std::optional<simdjson::padded_string> padded;
  simdjson::error_code error;
  if (body.capacity() >= body.size() + simdjson::SIMDJSON_PADDING) {
    error = parser.iterate(body.data(), body.size(), body.capacity()).get(document);
  } else {
    padded.emplace(body);
    error = parser.iterate(*padded).get(document);
  }
  simdjson::ondemand::object object;
  int64_t limit = 0;
  if (error || document.get_object().get(object) || object["Limit"].get_int64().get(limit)) return -1;
  return static_cast<long>(limit);
}

}  // namespace

bool may_run_long(const HttpRequest& request) {
  const Operation* operation = target_operation(request);
  if (operation == nullptr || !operation->long_running) return false;
  // A Query for a page of at most kInlineQueryLimit items (a chat history
  // page) is bounded work, like a point read: running it where it arrived
  // saves two thread hand-offs, which cost more than the query (p99 at one
  // connection 4.3 ms through the pool, 1.9 ms inline; bench/peers).
  if (operation->name == "Query") {
    long limit = top_level_limit(request.body);
    return limit < 1 || limit > kInlineQueryLimit;
  }
  return true;
}

void set_error(const ddb::Error& error, HttpResponse& response) {
  response.status = static_cast<unsigned>(ddb::http_status(error.code));
  response.body = ddb::encode_error_json(error);
  response.content_type = "application/x-amz-json-1.0";
}

void handle_request(const HandlerContext& context, const HttpRequest& request, HttpResponse& response,
                    std::chrono::system_clock::time_point now) {
  response.clear();
  if (context.hosts && !net::host_allowed(request.host(), *context.hosts)) {
    set_error({ddb::ErrorCode::kAccessDenied,
               "The Host header '" + std::string(request.host().substr(0, 256)) +
                   "' is not a name this endpoint answers to (allow it with --allowed-host)"},
              response);
    response.close = true;
    return;
  }
  // GET / is what health probes send. DynamoDB Local answers it as an
  // unauthenticated request (400 MissingAuthenticationToken) and probes
  // written for it expect exactly that, so we answer the same.
  if (request.method == "GET" || request.method == "HEAD") {
    set_error({ddb::ErrorCode::kMissingAuthenticationToken, "Request is missing Authentication Token"},
              response);
    response.head_only = request.method == "HEAD";
    return;
  }
  // DynamoDB answers other methods, and bodies that are not JSON, with a bare
  // 404 (DynamoDB Local is lenient about the content type; we follow the service).
  if (request.method != "POST" || (!request.body.empty() && !is_json_content_type(request.content_type()))) {
    response.status = 404;
    response.body = "<UnknownOperationException/>\n";
    response.content_type = {};
    return;
  }
  const Operation* operation = target_operation(request);
  if (operation == nullptr) {
    set_error({ddb::ErrorCode::kUnknownOperation, "An unknown operation was requested."}, response);
    return;
  }
  if (auto error = check_signature(context, request, now)) {
    set_error(*error, response);
    return;
  }
  // DynamoDB answers a POST without a body with SerializationException (as
  // dynalite records it); the codec reads an empty document as "{}", so the
  // check is here, where the HTTP body is known.
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    set_error(ddb::Error::Serialization("The request body is empty: expected a JSON object"), response);
    return;
  }
  try {
    ddb::Status status = operation->handler(context.database, request.body, response.body);
    if (!status.ok()) set_error(status.error(), response);
  } catch (const std::exception& e) {
    spdlog::error("{} failed with an exception: {}", operation->name, e.what());
    set_error(ddb::Error::Internal("The server encountered an internal error trying to fulfill the request."),
              response);
  } catch (...) {
    set_error(ddb::Error::Internal("The server encountered an internal error trying to fulfill the request."),
              response);
  }
}

}  // namespace townhall::wire
