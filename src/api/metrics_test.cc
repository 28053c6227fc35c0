#include "api/metrics.h"

#include <gtest/gtest.h>

#include "api/timed_database.h"

namespace townhall::api {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Metrics metrics;
  metrics.observe_request("/api/channels/{id}", "GET", 200, 0.003);
  metrics.observe_request("/api/channels/{id}", "GET", 200, 0.2);
  metrics.observe_request("/api/channels/{id}", "GET", 404, 0.001);
  metrics.websockets_open = 3;
  metrics.messages_delivered = 42;
  std::string text = metrics.render();
  EXPECT_NE(
      text.find(
          "townhall_http_requests_total{route=\"/api/channels/{id}\",method=\"GET\",status=\"200\"} 2\n"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "townhall_http_requests_total{route=\"/api/channels/{id}\",method=\"GET\",status=\"404\"} 1\n"),
      std::string::npos);
  // Buckets are cumulative: 0.001 and 0.003 are under 0.005; all three under +Inf.
  EXPECT_NE(
      text.find(
          "townhall_http_request_duration_seconds_bucket{route=\"/api/channels/{id}\",le=\"0.005\"} 2\n"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "townhall_http_request_duration_seconds_bucket{route=\"/api/channels/{id}\",le=\"+Inf\"} 3\n"),
      std::string::npos);
  EXPECT_NE(text.find("townhall_http_request_duration_seconds_count{route=\"/api/channels/{id}\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("townhall_websockets_open 3\n"), std::string::npos);
  EXPECT_NE(text.find("townhall_messages_delivered_total 42\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE townhall_http_request_duration_seconds histogram"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics metrics;
  metrics.observe_store("Odd\"Name\\", 0.001, false);
  std::string text = metrics.render();
  EXPECT_NE(text.find("townhall_store_errors_total{operation=\"Odd\\\"Name\\\\\"} 1"), std::string::npos);
}

class FakeDatabase : public ddb::Database {
 public:
#define TOWNHALL_FAKE(Name, method, Request, Response)                         \
  ddb::Result<ddb::Response> method(const ddb::Request&) override {            \
    if (fail) return ddb::Error{ddb::ErrorCode::kInternalServerError, "boom"}; \
    return ddb::Response{};                                                    \
  }
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_FAKE)
#undef TOWNHALL_FAKE
  bool fail = false;
};

TEST(TimedDatabase, RecordsLatencyAndErrorsPerOperation) {
  FakeDatabase inner;
  Metrics metrics;
  TimedDatabase timed(inner, metrics);
  EXPECT_TRUE(timed.get_item({}).ok());
  inner.fail = true;
  EXPECT_FALSE(timed.get_item({}).ok());
  EXPECT_FALSE(timed.query({}).ok());
  std::string text = metrics.render();
  EXPECT_NE(text.find("townhall_store_request_duration_seconds_count{operation=\"GetItem\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("townhall_store_errors_total{operation=\"GetItem\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("townhall_store_errors_total{operation=\"Query\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace townhall::api
