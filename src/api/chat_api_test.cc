// ChatApi's dispatch: everything decided before chat is asked (routes,
// methods, content types, sizes, credentials, CSRF, limits). The store
// answers every call with an error, so a test that reached it would see a 5xx.
#include "api/chat_api.h"

#include <gtest/gtest.h>

#include "api/handlers.h"

namespace townhall::api {
namespace {

class UnreachableDatabase : public ddb::Database {
 public:
#define TOWNHALL_UNREACHABLE(Name, method, Request, Response)           \
  ddb::Result<ddb::Response> method(const ddb::Request&) override {     \
    ++calls;                                                            \
    return ddb::Error{ddb::ErrorCode::kServiceUnavailable, "no store"}; \
  }
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_UNREACHABLE)
#undef TOWNHALL_UNREACHABLE
  int calls = 0;
};

class ChatApiTest : public ::testing::Test {
 protected:
  ChatApiTest() : chat_(db_, options()), api_(chat_, metrics_, api_options()) {}
  static chat::ChatOptions options() {
    chat::ChatOptions options;
    options.clock_ms = [] { return int64_t{1700000000000}; };
    return options;
  }
  static ApiOptions api_options() {
    ApiOptions options;
    options.per_ip = {1, 5};
    options.auth_per_ip = {1, 2};
    return options;
  }
  ApiResponse call(std::string method, std::string target, std::string body = {},
                   std::string content_type = "application/json", std::string ip = "10.0.0.1") {
    ApiRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.content_type = std::move(content_type);
    request.client_ip = std::move(ip);
    return api_.handle(request);
  }
  static std::string code_of(const ApiResponse& response) {
    auto object = JsonObject::parse(response.body);
    if (!object.ok()) return "<not json>";
    std::string body = response.body;
    auto start = body.find("\"code\":\"");
    if (start == std::string::npos) return "<no code>";
    start += 8;
    return body.substr(start, body.find('"', start) - start);
  }

  UnreachableDatabase db_;
  Metrics metrics_;
  chat::ChatService chat_;
  ChatApi api_;
};

TEST_F(ChatApiTest, UnknownRouteIs404AndWrongMethod405) {
  auto missing = call("GET", "/api/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(code_of(missing), "not_found");
  EXPECT_EQ(missing.route, "(unmatched)");
  auto wrong = call("PUT", "/api/channels", "", "", "10.0.0.2");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(code_of(wrong), "method_not_allowed");
  ASSERT_EQ(wrong.headers.size(), 1u);
  EXPECT_EQ(wrong.headers[0], (std::pair<std::string, std::string>{"Allow", "GET, POST"}));
  EXPECT_EQ(call("GET", "/api/channels/%zz", "", "", "10.0.0.3").status, 400);
  EXPECT_EQ(db_.calls, 0);
}

TEST_F(ChatApiTest, UnauthenticatedWithoutCredentials) {
  auto response = call("GET", "/api/channels/7");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(code_of(response), "unauthenticated");
  EXPECT_EQ(response.route, "/api/channels/{id}");
  EXPECT_EQ(db_.calls, 0);
}

TEST_F(ChatApiTest, CookieWithoutCsrfIsRefusedBeforeTheStore) {
  ApiRequest request;
  request.method = "POST";
  request.target = "/api/channels";
  request.body = R"({"name":"x"})";
  request.content_type = "application/json";
  request.cookie = "th_session=abc; th_csrf=def";
  auto response = api_.handle(request);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(db_.calls, 0);
  request.csrf_token = "def";  // now it gets as far as the store, which is down
  EXPECT_EQ(api_.handle(request).status, 503);
  EXPECT_GT(db_.calls, 0);
}

TEST_F(ChatApiTest, ContentTypeAndBodySize) {
  auto wrong_type = call("POST", "/api/login", "email=a", "application/x-www-form-urlencoded");
  EXPECT_EQ(wrong_type.status, 415);
  EXPECT_EQ(code_of(wrong_type), "unsupported_media_type");
  auto big = call("POST", "/api/login", std::string(70 * 1024, 'x'), "application/json", "10.0.0.9");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(code_of(big), "payload_too_large");
  auto bad_json = call("POST", "/api/login", "{oops", "application/json; charset=utf-8", "10.0.0.8");
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(code_of(bad_json), "invalid_argument");
}

TEST_F(ChatApiTest, StoreOutageIs503WithRetryAfterAndNoDetails) {
  auto response = call("POST", "/api/login", R"({"email":"a@b.cd","password":"12345678"})");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(code_of(response), "unavailable");
  EXPECT_EQ(response.body.find("no store"), std::string::npos);  // store details stay in the log
  bool retry_after = false;
  for (const auto& [name, value] : response.headers) retry_after |= name == "Retry-After";
  EXPECT_TRUE(retry_after);
}

TEST_F(ChatApiTest, PerIpAndAuthLimitsAnswer429WithRetryAfter) {
  // The auth bucket (burst 2) runs out before the per-IP one (burst 5).
  for (int i = 0; i < 2; ++i) EXPECT_NE(call("POST", "/api/login", "{}").status, 429);
  auto limited = call("POST", "/api/login", "{}");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(code_of(limited), "rate_limited");
  ASSERT_FALSE(limited.headers.empty());
  EXPECT_EQ(limited.headers.back().first, "Retry-After");
  EXPECT_EQ(limited.headers.back().second, "1");
  // Other routes still have per-IP budget left, then run out too.
  EXPECT_EQ(call("GET", "/api/me").status, 401);
  EXPECT_EQ(call("GET", "/api/me").status, 401);
  EXPECT_EQ(call("GET", "/api/me").status, 429);
  // Another address is unaffected.
  EXPECT_EQ(call("GET", "/api/me", "", "", "10.9.9.9").status, 401);
}

TEST_F(ChatApiTest, ChatCodesMapToStatuses) {
  EXPECT_EQ(http_status_of(chat::Code::kInvalidArgument), 400);
  EXPECT_EQ(http_status_of(chat::Code::kUnauthenticated), 401);
  EXPECT_EQ(http_status_of(chat::Code::kPermissionDenied), 403);
  EXPECT_EQ(http_status_of(chat::Code::kNotFound), 404);
  EXPECT_EQ(http_status_of(chat::Code::kAlreadyExists), 409);
  EXPECT_EQ(http_status_of(chat::Code::kUnavailable), 503);
  EXPECT_EQ(http_status_of(chat::Code::kInternal), 500);
  auto internal = error_response(chat::Error::Internal("table chat key USER#1 exploded"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("USER#1"), std::string::npos);
}

TEST_F(ChatApiTest, EveryRouteHasAHandler) {
  for (const auto& route : api_.router().routes()) {
    EXPECT_NE(route.handler.handler, nullptr) << route.pattern;
    EXPECT_EQ(route.pattern.rfind("/api/", 0), 0u) << route.pattern;
  }
}

}  // namespace
}  // namespace townhall::api
