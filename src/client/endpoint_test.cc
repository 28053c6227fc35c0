#include "client/endpoint.h"

#include <gtest/gtest.h>

namespace townhall::client {
namespace {

TEST(EndpointTest, ParsesSchemesPortsAndPaths) {
  auto https = parse_endpoint_url("https://dynamodb.us-east-1.amazonaws.com");
  ASSERT_TRUE(https.ok());
  EXPECT_TRUE(https->tls);
  EXPECT_EQ(https->host, "dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(https->port, 443);
  EXPECT_EQ(https->path, "/");
  EXPECT_EQ(https->host_header(), "dynamodb.us-east-1.amazonaws.com");

  auto local = parse_endpoint_url("HTTP://localhost:8000");
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->tls);
  EXPECT_EQ(local->port, 8000);
  EXPECT_EQ(local->host_header(), "localhost:8000");
  EXPECT_EQ(local->url(), "http://localhost:8000/");

  auto v6 = parse_endpoint_url("https://[::1]:8443/prefix/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8443);
  EXPECT_EQ(v6->path, "/prefix/");
  EXPECT_EQ(v6->host_header(), "[::1]:8443");
  EXPECT_TRUE(v6->host_is_ip_literal());

  auto default_port = parse_endpoint_url("http://example.com:80");
  ASSERT_TRUE(default_port.ok());
  EXPECT_EQ(default_port->host_header(), "example.com");
  EXPECT_FALSE(default_port->host_is_ip_literal());
}

TEST(EndpointTest, RejectsWhatItCannotUse) {
  for (const char* bad :
       {"localhost:8000", "ftp://x", "http://", "http://:80", "http://h:0", "http://h:65536", "http://h:12ab",
        "http://user@h", "http://h/?q=1", "http://h/#f", "https://[::1"}) {
    auto parsed = parse_endpoint_url(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, ddb::ErrorCode::kValidation);
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
  }
}

TEST(EndpointTest, DefaultEndpointPerPartition) {
  EXPECT_EQ(default_endpoint_url("eu-west-1"), "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(default_endpoint_url("cn-north-1"), "https://dynamodb.cn-north-1.amazonaws.com.cn");
}

}  // namespace
}  // namespace townhall::client
