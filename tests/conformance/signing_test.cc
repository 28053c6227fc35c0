// The client's SigV4 signatures as an endpoint that checks them sees them:
// the wire endpoint with a key ring, over an in-memory engine.
#include <gtest/gtest.h>

#if __has_include("engine/engine.h") && __has_include("wire/server.h")
#include "client/client.h"
#include "engine/engine.h"
#include "wire/server.h"

namespace townhall::conformance {
namespace {

class SigningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::EngineOptions engine_options;
    engine_options.in_memory = true;
    auto engine = engine::Engine::open(engine_options);
    ASSERT_TRUE(engine.ok()) << engine.error().to_string();
    engine_ = std::move(engine).value();
    sigv4::KeyRing keys;
    keys.add({"AKIDPLAIN", "plain-secret", ""});
    keys.add({"AKIDSESSION", "session-secret", "the-session-token"});
    wire::ServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.io_threads = 1;
    options.keys = std::move(keys);
    server_ = std::make_unique<wire::DynamoDbServer>(*engine_, options);
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error().to_string();
  }

  ddb::Result<ddb::ListTablesResponse> list_tables(sigv4::Credentials credentials) {
    client::ClientOptions options;
    options.endpoint_url = "http://127.0.0.1:" + std::to_string(server_->port());
    options.region = "eu-west-1";
    options.credentials = std::move(credentials);
    options.retry.max_attempts = 1;
    auto created = client::Client::create(options);
    EXPECT_TRUE(created.ok());
    return (*created)->list_tables({});
  }

  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<wire::DynamoDbServer> server_;
};

TEST_F(SigningTest, AcceptsWhatTheClientSigns) {
  EXPECT_TRUE(list_tables({"AKIDPLAIN", "plain-secret", ""}).ok());
  auto with_token = list_tables({"AKIDSESSION", "session-secret", "the-session-token"});
  EXPECT_TRUE(with_token.ok()) << with_token.error().to_string();
}

TEST_F(SigningTest, RejectsWrongKeys) {
  auto wrong_secret = list_tables({"AKIDPLAIN", "not-the-secret", ""});
  ASSERT_FALSE(wrong_secret.ok());
  EXPECT_EQ(wrong_secret.error().code, ddb::ErrorCode::kInvalidSignature) << wrong_secret.error().to_string();

  auto unknown = list_tables({"AKIDUNKNOWN", "x", ""});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ddb::ErrorCode::kUnrecognizedClient) << unknown.error().to_string();

  auto wrong_token = list_tables({"AKIDSESSION", "session-secret", "another-token"});
  ASSERT_FALSE(wrong_token.ok());
  EXPECT_EQ(wrong_token.error().code, ddb::ErrorCode::kUnrecognizedClient) << wrong_token.error().to_string();
}

}  // namespace
}  // namespace townhall::conformance
#endif
