#include "files/blob_store_factory.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "files/local_blob_store.h"

namespace townhall::files {
namespace {

// No ~/.aws of the machine running the tests: HOME points nowhere.
client::Environment env(std::map<std::string, std::string> variables) {
  variables.emplace("HOME", "/nonexistent-townhall-test-home");
  return client::fixed_environment(std::move(variables));
}

std::map<std::string, std::string> keys() {
  return {{"AWS_ACCESS_KEY_ID", "id"}, {"AWS_SECRET_ACCESS_KEY", "secret"}};
}

std::map<std::string, std::string> with_keys(std::map<std::string, std::string> more) {
  more.merge(keys());
  return more;
}

TEST(BlobStoreFactory, ParsesS3Urls) {
  auto full = parse_s3_url("s3://bucket/files/");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->bucket, "bucket");
  EXPECT_EQ(full->prefix, "files/");
  EXPECT_EQ(parse_s3_url("s3://bucket/files")->prefix, "files/");  // a prefix is a folder
  EXPECT_EQ(parse_s3_url("s3://bucket/a/b")->prefix, "a/b/");
  EXPECT_EQ(parse_s3_url("s3://bucket")->prefix, "");
  EXPECT_EQ(parse_s3_url("s3://bucket/")->prefix, "");
  EXPECT_FALSE(parse_s3_url("s3://").ok());
  EXPECT_FALSE(parse_s3_url("s3:///files").ok());
  EXPECT_FALSE(parse_s3_url("/data/files").ok());
}

TEST(BlobStoreFactory, EndpointFromFlagThenEnvironment) {
  BlobStoreOptions options{"s3://b/files", "", ""};
  auto from_s3_variable = resolve_s3_options(
      options, env(with_keys({{"AWS_ENDPOINT_URL_S3", "http://s3.local:9000"},
                              {"AWS_ENDPOINT_URL", "http://all.local:1"},
                              {"AWS_ENDPOINT_URL_DYNAMODB", "http://dynamo.local:8000"}})));
  ASSERT_TRUE(from_s3_variable.ok()) << from_s3_variable.error().message;
  EXPECT_EQ(from_s3_variable->endpoint_url, "http://s3.local:9000");
  EXPECT_EQ(from_s3_variable->bucket, "b");
  EXPECT_EQ(from_s3_variable->prefix, "files/");
  EXPECT_EQ(from_s3_variable->region, "us-east-1");  // a custom endpoint's default
  EXPECT_TRUE(from_s3_variable->path_style);
  EXPECT_EQ(from_s3_variable->credentials.access_key_id, "id");
  EXPECT_EQ(from_s3_variable->credentials.secret_access_key, "secret");

  auto from_general =
      resolve_s3_options(options, env(with_keys({{"AWS_ENDPOINT_URL", "http://all.local:1"}})));
  EXPECT_EQ(from_general->endpoint_url, "http://all.local:1");

  // The DynamoDB endpoint is never the S3 one.
  auto dynamodb_only =
      resolve_s3_options(options, env(with_keys({{"AWS_ENDPOINT_URL_DYNAMODB", "http://dynamo.local:8000"},
                                                 {"AWS_REGION", "eu-west-1"}})));
  ASSERT_TRUE(dynamodb_only.ok()) << dynamodb_only.error().message;
  EXPECT_EQ(dynamodb_only->endpoint_url, "https://s3.eu-west-1.amazonaws.com");

  options.s3_endpoint = "http://flag.local:4569";
  options.region = "ap-south-1";
  auto from_flag =
      resolve_s3_options(options, env(with_keys({{"AWS_ENDPOINT_URL_S3", "http://s3.local:9000"}})));
  EXPECT_EQ(from_flag->endpoint_url, "http://flag.local:4569");
  EXPECT_EQ(from_flag->region, "ap-south-1");

  options.s3_endpoint.clear();
  options.region.clear();
  auto ignored = resolve_s3_options(options, env(with_keys({{"AWS_ENDPOINT_URL_S3", "http://s3.local:9000"},
                                                            {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"},
                                                            {"AWS_REGION", "eu-central-1"}})));
  EXPECT_EQ(ignored->endpoint_url, "https://s3.eu-central-1.amazonaws.com");
}

TEST(BlobStoreFactory, AwsS3IsVirtualHostedUnlessTheBucketHasDots) {
  auto plain = resolve_s3_options({"s3://my-bucket/f", "", "eu-west-1"}, env(keys()));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->endpoint_url, "https://s3.eu-west-1.amazonaws.com");
  EXPECT_FALSE(plain->path_style);
  auto dotted = resolve_s3_options({"s3://my.bucket/f", "", "eu-west-1"}, env(keys()));
  EXPECT_TRUE(dotted->path_style);
  EXPECT_EQ(resolve_s3_options({"s3://b", "", "cn-north-1"}, env(keys()))->endpoint_url,
            "https://s3.cn-north-1.amazonaws.com.cn");
}

TEST(BlobStoreFactory, CredentialsAndRegionAreRequired) {
  auto no_keys = resolve_s3_options({"s3://b/f", "http://h:1", ""}, env({}));
  ASSERT_FALSE(no_keys.ok());
  EXPECT_TRUE(no_keys.error().is(chat::Code::kInvalidArgument));
  auto no_region = resolve_s3_options({"s3://b/f", "", ""}, env(keys()));
  ASSERT_FALSE(no_region.ok());
  EXPECT_NE(no_region.error().message.find("region"), std::string::npos) << no_region.error().message;
  auto with_token =
      resolve_s3_options({"s3://b/f", "http://h:1", ""}, env(with_keys({{"AWS_SESSION_TOKEN", "token"}})));
  EXPECT_EQ(with_token->credentials.session_token, "token");
}

TEST(BlobStoreFactory, OpensLocalOrS3Stores) {
  std::string root = ::testing::TempDir() + "blob_store_factory_XXXXXX";
  ASSERT_NE(::mkdtemp(root.data()), nullptr);

  auto by_default = open_blob_store({}, root + "/default", env({}));
  ASSERT_TRUE(by_default.ok()) << by_default.error().message;
  auto* local = dynamic_cast<LocalBlobStore*>(by_default->get());
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->directory(), root + "/default");

  auto named = open_blob_store({root + "/named", "", ""}, root + "/default", env({}));
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(dynamic_cast<LocalBlobStore*>(named->get())->directory(), root + "/named");

  auto s3 = open_blob_store({"s3://b/files", "http://127.0.0.1:4569", ""}, root, env(keys()));
  ASSERT_TRUE(s3.ok()) << s3.error().message;
  auto* remote = dynamic_cast<S3BlobStore*>(s3->get());
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(remote->object_target(std::string(64, 'a')), "/b/files/" + std::string(64, 'a'));

  EXPECT_FALSE(open_blob_store({"gs://b/files", "", ""}, root, env(keys())).ok());
  EXPECT_FALSE(open_blob_store({root + "/x", "http://127.0.0.1:4569", ""}, root, env(keys())).ok());
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace townhall::files
