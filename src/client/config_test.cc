#include "client/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace townhall::client {
namespace {

namespace fs = std::filesystem;

// A temporary HOME with optional ~/.aws/config and ~/.aws/credentials.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "townhall-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    home_ = pattern;
    fs::create_directories(home_ / ".aws");
  }
  void TearDown() override { fs::remove_all(home_); }

  void write(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  void write_config(std::string_view text) { write(home_ / ".aws" / "config", text); }
  void write_credentials(std::string_view text) { write(home_ / ".aws" / "credentials", text); }

  // The environment: HOME plus these variables.
  Environment env(std::map<std::string, std::string> variables = {}) {
    variables["HOME"] = home_.string();
    return fixed_environment(std::move(variables));
  }

  ClientOptions resolve_ok(const ClientFlags& flags, const Environment& environment) {
    auto options = resolve_client_options(flags, environment);
    EXPECT_TRUE(options.ok()) << options.error().to_string();
    return options.ok() ? std::move(options).value() : ClientOptions{};
  }
  std::string resolve_error(const ClientFlags& flags, const Environment& environment) {
    auto options = resolve_client_options(flags, environment);
    EXPECT_FALSE(options.ok());
    if (options.ok()) return {};
    EXPECT_EQ(options.error().code, ddb::ErrorCode::kValidation);
    return options.error().message;
  }

  fs::path home_;
};

TEST_F(ConfigTest, EnvironmentOnly) {
  auto options = resolve_ok({}, env({{"AWS_REGION", "eu-west-1"},
                                     {"AWS_ACCESS_KEY_ID", "AKID"},
                                     {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                                     {"AWS_SESSION_TOKEN", "TOKEN"}}));
  EXPECT_EQ(options.endpoint_url, "https://dynamodb.eu-west-1.amazonaws.com");
  EXPECT_EQ(options.region, "eu-west-1");
  EXPECT_EQ(options.credentials.access_key_id, "AKID");
  EXPECT_EQ(options.credentials.secret_access_key, "SECRET");
  EXPECT_EQ(options.credentials.session_token, "TOKEN");
  EXPECT_NE(options.sources.find("credentials from environment"), std::string::npos) << options.sources;
  EXPECT_EQ(options.sources.find("SECRET"), std::string::npos) << "sources must not leak secrets";
}

TEST_F(ConfigTest, RegionPrecedence) {
  write_config("[default]\nregion = ap-south-1\n");
  std::map<std::string, std::string> keys{{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}};
  EXPECT_EQ(resolve_ok({}, env(keys)).region, "ap-south-1");
  keys["AWS_DEFAULT_REGION"] = "us-west-1";
  EXPECT_EQ(resolve_ok({}, env(keys)).region, "us-west-1");
  keys["AWS_REGION"] = "us-west-2";
  EXPECT_EQ(resolve_ok({}, env(keys)).region, "us-west-2");
  ClientFlags flags;
  flags.region = "sa-east-1";
  EXPECT_EQ(resolve_ok(flags, env(keys)).region, "sa-east-1");
}

TEST_F(ConfigTest, EndpointPrecedence) {
  write_config(R"([default]
region = us-east-1
endpoint_url = http://profile-global:1
services = local

[services local]
dynamodb =
  endpoint_url = http://services-section:2
)");
  std::map<std::string, std::string> vars{{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}};
  EXPECT_EQ(resolve_ok({}, env(vars)).endpoint_url, "http://services-section:2");
  vars["AWS_ENDPOINT_URL"] = "http://env-global:3";
  EXPECT_EQ(resolve_ok({}, env(vars)).endpoint_url, "http://env-global:3");
  vars["AWS_ENDPOINT_URL_DYNAMODB"] = "http://env-dynamodb:4";
  EXPECT_EQ(resolve_ok({}, env(vars)).endpoint_url, "http://env-dynamodb:4");
  ClientFlags flags;
  flags.endpoint_url = "http://flag:5";
  EXPECT_EQ(resolve_ok(flags, env(vars)).endpoint_url, "http://flag:5");

  // Ignoring configured endpoints leaves the flag and the default.
  vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  EXPECT_EQ(resolve_ok({}, env(vars)).endpoint_url, "https://dynamodb.us-east-1.amazonaws.com");
  EXPECT_EQ(resolve_ok(flags, env(vars)).endpoint_url, "http://flag:5");
}

TEST_F(ConfigTest, ProfileEndpointWithoutServicesSection) {
  write_config("[profile local]\nendpoint_url = http://localhost:8000\n");
  write_credentials("[local]\naws_access_key_id = A\naws_secret_access_key = S\n");
  ClientFlags flags;
  flags.profile = "local";
  auto options = resolve_ok(flags, env());
  EXPECT_EQ(options.endpoint_url, "http://localhost:8000");
  // No region anywhere, but a custom endpoint: local servers accept any region.
  EXPECT_EQ(options.region, "us-east-1");
}

TEST_F(ConfigTest, MissingServicesSectionIsAnError) {
  write_config("[default]\nregion = us-east-1\nservices = nowhere\n");
  auto message = resolve_error({}, env({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}}));
  EXPECT_NE(message.find("services section \"nowhere\""), std::string::npos) << message;
}

TEST_F(ConfigTest, ProfileFromFilesAndSelection) {
  write_config(R"([default]
region = us-east-1

[profile dev]
region = eu-central-1
aws_access_key_id = CONFIG_KEY
aws_secret_access_key = CONFIG_SECRET

[profile onlyconfig]
region = eu-north-1
aws_access_key_id = ONLY_CONFIG
aws_secret_access_key = ONLY_CONFIG_SECRET
)");
  write_credentials(R"([default]
aws_access_key_id = DEFAULT_KEY
aws_secret_access_key = DEFAULT_SECRET

[dev]
aws_access_key_id = DEV_KEY
aws_secret_access_key = DEV_SECRET
aws_session_token = DEV_TOKEN
)");
  auto def = resolve_ok({}, env());
  EXPECT_EQ(def.credentials.access_key_id, "DEFAULT_KEY");
  EXPECT_EQ(def.region, "us-east-1");

  // AWS_PROFILE picks the profile; the credentials file wins over the config file.
  auto dev = resolve_ok({}, env({{"AWS_PROFILE", "dev"}}));
  EXPECT_EQ(dev.region, "eu-central-1");
  EXPECT_EQ(dev.credentials.access_key_id, "DEV_KEY");
  EXPECT_EQ(dev.credentials.session_token, "DEV_TOKEN");

  // Keys in the config file are used when the credentials file has none.
  ClientFlags flags;
  flags.profile = "onlyconfig";
  auto only = resolve_ok(flags, env());
  EXPECT_EQ(only.credentials.access_key_id, "ONLY_CONFIG");
  EXPECT_EQ(only.region, "eu-north-1");
}

TEST_F(ConfigTest, EnvironmentKeysVersusProfiles) {
  write_credentials("[dev]\naws_access_key_id = DEV_KEY\naws_secret_access_key = DEV_SECRET\n");
  write_config("[profile dev]\nregion = us-east-2\n");
  std::map<std::string, std::string> vars{
      {"AWS_ACCESS_KEY_ID", "ENV_KEY"}, {"AWS_SECRET_ACCESS_KEY", "ENV_SECRET"}, {"AWS_PROFILE", "dev"}};
  // With AWS_PROFILE, keys in the environment still win (as in the AWS CLI)...
  EXPECT_EQ(resolve_ok({}, env(vars)).credentials.access_key_id, "ENV_KEY");
  // ...but a profile passed explicitly wins over them.
  ClientFlags flags;
  flags.profile = "dev";
  EXPECT_EQ(resolve_ok(flags, env(vars)).credentials.access_key_id, "DEV_KEY");
  // And explicit keys win over everything.
  flags.access_key_id = "FLAG_KEY";
  flags.secret_access_key = "FLAG_SECRET";
  EXPECT_EQ(resolve_ok(flags, env(vars)).credentials.access_key_id, "FLAG_KEY");
}

TEST_F(ConfigTest, FileLocationsFromEnvironment) {
  fs::create_directories(home_ / "elsewhere");
  write(home_ / "elsewhere" / "conf", "[profile x]\nregion = ca-central-1\n");
  write(home_ / "elsewhere" / "creds", "[x]\naws_access_key_id = X\naws_secret_access_key = Y\n");
  write_config("[profile x]\nregion = wrong-1\n");
  auto options =
      resolve_ok({}, env({{"AWS_CONFIG_FILE", "~/elsewhere/conf"},
                          {"AWS_SHARED_CREDENTIALS_FILE", (home_ / "elsewhere" / "creds").string()},
                          {"AWS_PROFILE", "x"}}));
  EXPECT_EQ(options.region, "ca-central-1");
  EXPECT_EQ(options.credentials.access_key_id, "X");
}

TEST_F(ConfigTest, DefaultProfileAsProfileDefaultSection) {
  write_config("[profile default]\nregion = me-south-1\n");
  write_credentials("[default]\naws_access_key_id = A\naws_secret_access_key = S\n");
  EXPECT_EQ(resolve_ok({}, env()).region, "me-south-1");
}

TEST_F(ConfigTest, CaBundleAndMaxAttempts) {
  write_config("[default]\nregion = us-east-1\nca_bundle = ~/ca.pem\nmax_attempts = 4\n");
  write_credentials("[default]\naws_access_key_id = A\naws_secret_access_key = S\n");
  auto from_files = resolve_ok({}, env());
  EXPECT_EQ(from_files.ca_bundle, (home_ / "ca.pem").string());
  EXPECT_EQ(from_files.retry.max_attempts, 4);
  auto from_env = resolve_ok({}, env({{"AWS_CA_BUNDLE", "/etc/ca.pem"}, {"AWS_MAX_ATTEMPTS", "2"}}));
  EXPECT_EQ(from_env.ca_bundle, "/etc/ca.pem");
  EXPECT_EQ(from_env.retry.max_attempts, 2);
  EXPECT_NE(resolve_error({}, env({{"AWS_MAX_ATTEMPTS", "zero"}})).find("AWS_MAX_ATTEMPTS"),
            std::string::npos);
}

TEST_F(ConfigTest, ClearErrorsWhenNothingIsConfigured) {
  auto no_region = resolve_error({}, env({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}}));
  EXPECT_NE(no_region.find("No AWS region configured"), std::string::npos) << no_region;
  EXPECT_NE(no_region.find("AWS_REGION"), std::string::npos) << no_region;

  auto no_keys = resolve_error({}, env({{"AWS_REGION", "us-east-1"}}));
  EXPECT_NE(no_keys.find("Unable to locate AWS credentials"), std::string::npos) << no_keys;
  EXPECT_NE(no_keys.find("AWS_ACCESS_KEY_ID"), std::string::npos) << no_keys;

  auto partial = resolve_error({}, env({{"AWS_REGION", "us-east-1"}, {"AWS_ACCESS_KEY_ID", "A"}}));
  EXPECT_NE(partial.find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos) << partial;

  auto missing_profile = resolve_error({}, env({{"AWS_PROFILE", "nope"}}));
  EXPECT_NE(missing_profile.find("The config profile (nope) could not be found"), std::string::npos)
      << missing_profile;

  auto bad_endpoint = resolve_error({}, env({{"AWS_ENDPOINT_URL", "localhost:8000"}}));
  EXPECT_NE(bad_endpoint.find("AWS_ENDPOINT_URL"), std::string::npos) << bad_endpoint;

  auto bad_region = resolve_error({}, env({{"AWS_REGION", "us east"}}));
  EXPECT_NE(bad_region.find("Invalid AWS region"), std::string::npos) << bad_region;
}

TEST_F(ConfigTest, UnsupportedCredentialProvidersAreNamed) {
  write_config(
      "[profile role]\nregion = us-east-1\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n");
  ClientFlags flags;
  flags.profile = "role";
  auto message = resolve_error(flags, env());
  EXPECT_NE(message.find("role_arn"), std::string::npos) << message;
  EXPECT_NE(message.find("export-credentials"), std::string::npos) << message;
}

TEST_F(ConfigTest, PartialProfileKeysAreAnError) {
  write_credentials("[default]\naws_access_key_id = A\n");
  auto message = resolve_error({}, env({{"AWS_REGION", "us-east-1"}}));
  EXPECT_NE(message.find("no aws_secret_access_key"), std::string::npos) << message;
}

TEST_F(ConfigTest, MalformedFileIsAnError) {
  write_credentials("aws_access_key_id = A\n");
  auto message = resolve_error({}, env({{"AWS_REGION", "us-east-1"}}));
  EXPECT_NE(message.find("credentials line 1"), std::string::npos) << message;
}

// The real process environment, with HOME pointing at the temporary directory.
TEST_F(ConfigTest, ProcessEnvironment) {
  write_config("[profile proc]\nregion = af-south-1\n");
  write_credentials("[proc]\naws_access_key_id = P\naws_secret_access_key = Q\n");
  std::map<std::string, std::optional<std::string>> saved;
  for (const char* name : {"HOME", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
                           "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB",
                           "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}) {
    const char* value = getenv(name);
    saved[name] = value ? std::optional<std::string>(value) : std::nullopt;
    unsetenv(name);
  }
  setenv("HOME", home_.c_str(), 1);
  setenv("AWS_PROFILE", "proc", 1);
  auto options = resolve_client_options({});
  for (const auto& [name, value] : saved) {
    if (value) {
      setenv(name.c_str(), value->c_str(), 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  ASSERT_TRUE(options.ok()) << options.error().to_string();
  EXPECT_EQ(options->region, "af-south-1");
  EXPECT_EQ(options->credentials.access_key_id, "P");
}

}  // namespace
}  // namespace townhall::client
