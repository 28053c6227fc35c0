// SigV4 against AWS's published test suite (testdata/), then round trips
// through sign() and verify() with every failure verify() reports.
#include "sigv4/sigv4.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace townhall::sigv4 {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

constexpr std::string_view kKeyId = "AKIDEXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A .req file: request line, "Name:value" lines, a blank line, the body.
struct ParsedRequest {
  std::string text;
  Request request;
};

void parse_req(std::string text, ParsedRequest& out) {
  out.text = std::move(text);
  std::string_view rest = out.text;
  auto next_line = [&]() {
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
    return line;
  };
  std::string_view request_line = next_line();
  size_t sp1 = request_line.find(' ');
  size_t sp2 = request_line.rfind(' ');
  out.request.method = request_line.substr(0, sp1);
  out.request.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  while (!rest.empty()) {
    std::string_view line = next_line();
    if (line.empty()) break;
    size_t colon = line.find(':');
    out.request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  out.request.payload = rest;
}

std::vector<std::string> signed_headers_of(std::string_view authz) {
  Error error;
  auto auth = parse_authorization(authz, &error);
  EXPECT_TRUE(auth.has_value()) << error.message;
  return auth ? auth->signed_headers : std::vector<std::string>{};
}

system_clock::time_point suite_time() { return *parse_amz_date("20150830T123600Z"); }

class SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SuiteTest, MatchesPublishedCanonicalRequestStringToSignAndSignature) {
  std::filesystem::path dir = std::filesystem::path(SIGV4_TESTDATA_DIR) / GetParam();
  ParsedRequest req;
  parse_req(read_file(dir / (GetParam() + ".req")), req);
  std::string creq = read_file(dir / (GetParam() + ".creq"));
  std::string sts = read_file(dir / (GetParam() + ".sts"));
  std::string authz = read_file(dir / (GetParam() + ".authz"));
  ASSERT_FALSE(creq.empty());

  auto signed_headers = signed_headers_of(authz);
  std::string canonical = canonical_request(req.request, signed_headers, sha256_hex(req.request.payload));
  EXPECT_EQ(canonical, creq);
  std::string to_sign =
      string_to_sign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical);
  EXPECT_EQ(to_sign, sts);
  std::string signature = signature_hex(signing_key(kSecret, "20150830", "us-east-1", "service"), to_sign);
  EXPECT_EQ(authz.substr(authz.size() - 64), signature);

  // The signed request (the suite's .sreq) verifies with the right key only.
  ParsedRequest signed_req;
  parse_req(req.text, signed_req);
  signed_req.request.headers.push_back({"Authorization", authz});
  KeyRing keys;
  std::string token;
  for (const auto& h : req.request.headers)
    if (h.name == "X-Amz-Security-Token") token = std::string(h.value);
  keys.add({std::string(kKeyId), std::string(kSecret), token});
  VerifyOptions options{&keys, "service"};
  auto error = verify(signed_req.request, options, suite_time());
  EXPECT_FALSE(error.has_value()) << error->message;

  KeyRing wrong;
  wrong.add({std::string(kKeyId), "not-the-secret", token});
  options.keys = &wrong;
  error = verify(signed_req.request, options, suite_time());
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kInvalidSignature);
}

// sign() signs every header it is given; the suite's cases whose signed
// header list is the request's whole header list must come out identical.
TEST_P(SuiteTest, SignProducesThePublishedAuthorizationWhenAllHeadersAreSigned) {
  std::filesystem::path dir = std::filesystem::path(SIGV4_TESTDATA_DIR) / GetParam();
  ParsedRequest req;
  parse_req(read_file(dir / (GetParam() + ".req")), req);
  std::string authz = read_file(dir / (GetParam() + ".authz"));
  if (GetParam() == "post-sts-header-after") {
    // The token is added after signing: sign without it, credentials without it.
    req.request.headers.pop_back();
  }
  Credentials credentials{std::string(kKeyId), std::string(kSecret), ""};
  for (const auto& h : req.request.headers)
    if (h.name == "X-Amz-Security-Token") credentials.session_token = std::string(h.value);
  SignedHeaders headers = sign(req.request, credentials, {"us-east-1", "service", suite_time()});
  EXPECT_EQ(headers.authorization, authz);
  EXPECT_EQ(headers.amz_date, "20150830T123600Z");
}

std::vector<std::string> suite_cases() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(SIGV4_TESTDATA_DIR))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(AwsSigV4TestSuite, SuiteTest, ::testing::ValuesIn(suite_cases()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(SuiteTest, HasTheCasesTheTaskNames) {
  auto names = suite_cases();
  for (const char* expected :
       {"get-vanilla", "post-x-www-form-urlencoded", "get-header-value-trim", "post-sts-header-before"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

// AWS's documented key derivation example (IAM, 20120215).
TEST(SigningKeyTest, MatchesTheDocumentedDerivation) {
  Digest key = signing_key(kSecret, "20120215", "us-east-1", "iam");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : key) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 0xf]);
  }
  EXPECT_EQ(hex, "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(AmzDateTest, RoundTripsAndRejectsOtherShapes) {
  auto t = parse_amz_date("20150830T123600Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(format_amz_date(*t), "20150830T123600Z");
  EXPECT_EQ(system_clock::to_time_t(*t), 1440938160);
  EXPECT_FALSE(parse_amz_date("2015-08-30T12:36:00Z"));
  EXPECT_FALSE(parse_amz_date("20151330T123600Z"));
  EXPECT_FALSE(parse_amz_date("20150830T123600"));
  EXPECT_FALSE(parse_amz_date(""));
}

// ---------------------------------------------------------------------------
// A DynamoDB request, signed as an SDK signs it.

struct DynamoRequest {
  std::string body = R"({"TableName":"chat"})";
  std::string amz_date;
  std::string authorization;
  std::string token;
  Request request() const {
    Request r{"POST", "/", {}, body};
    r.headers = {{"Host", "127.0.0.1:8000"},
                 {"Content-Type", "application/x-amz-json-1.0"},
                 {"X-Amz-Target", "DynamoDB_20120810.DescribeTable"}};
    if (!amz_date.empty()) r.headers.push_back({"X-Amz-Date", amz_date});
    if (!token.empty()) r.headers.push_back({"X-Amz-Security-Token", token});
    if (!authorization.empty()) r.headers.push_back({"Authorization", authorization});
    return r;
  }
};

DynamoRequest signed_request(const Credentials& credentials, system_clock::time_point at,
                             std::string region = "eu-central-1") {
  DynamoRequest d;
  SignedHeaders h = sign(d.request(), credentials, {std::move(region), "dynamodb", at});
  d.amz_date = h.amz_date;
  d.token = h.security_token;
  d.authorization = h.authorization;
  return d;
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_.add({"alice", "alice-secret", ""});
    keys_.add({"temp", "temp-secret", "session-token"});
  }
  std::optional<Error> check(const DynamoRequest& d, system_clock::time_point at) {
    return verify(d.request(), VerifyOptions{&keys_}, at);
  }
  KeyRing keys_;
  system_clock::time_point now_ = *parse_amz_date("20240301T101500Z");
};

TEST_F(VerifyTest, AcceptsASignedRequest) {
  auto error = check(signed_request({"alice", "alice-secret", ""}, now_), now_);
  EXPECT_FALSE(error.has_value()) << error->message;
}

TEST_F(VerifyTest, RejectsATamperedBody) {
  auto d = signed_request({"alice", "alice-secret", ""}, now_);
  d.body = R"({"TableName":"other"})";
  auto error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kInvalidSignature);
  EXPECT_EQ(error->message.rfind("The request signature we calculated does not match", 0), 0u);
}

TEST_F(VerifyTest, RejectsAWrongSecretAndAnUnknownKey) {
  auto error = check(signed_request({"alice", "wrong", ""}, now_), now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kInvalidSignature);
  error = check(signed_request({"mallory", "alice-secret", ""}, now_), now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kUnrecognizedClient);
  EXPECT_EQ(error->message, "The security token included in the request is invalid.");
}

TEST_F(VerifyTest, SessionTokenMustMatchTheKeys) {
  EXPECT_FALSE(check(signed_request({"temp", "temp-secret", "session-token"}, now_), now_));
  auto error = check(signed_request({"temp", "temp-secret", "other-token"}, now_), now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kUnrecognizedClient);
  error = check(signed_request({"temp", "temp-secret", ""}, now_), now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kUnrecognizedClient);
  // A token on a key that has none is not one we issued.
  error = check(signed_request({"alice", "alice-secret", "stray"}, now_), now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kUnrecognizedClient);
}

TEST_F(VerifyTest, ClockSkewOverFifteenMinutesIsRejectedAsDynamoDbWordsIt) {
  auto d = signed_request({"alice", "alice-secret", ""}, now_ - 16min);
  auto error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kInvalidSignature);
  EXPECT_EQ(error->message,
            "Signature expired: 20240301T095900Z is now earlier than 20240301T100000Z (20240301T101500Z - 15 "
            "min.)");
  error = check(signed_request({"alice", "alice-secret", ""}, now_ + 16min), now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message,
            "Signature not yet current: 20240301T103100Z is still later than 20240301T103000Z "
            "(20240301T101500Z + 15 "
            "min.)");
  EXPECT_FALSE(check(signed_request({"alice", "alice-secret", ""}, now_ - 14min), now_));
}

TEST_F(VerifyTest, MissingOrForeignAuthorizationIsMissingAuthenticationToken) {
  DynamoRequest d;
  d.amz_date = "20240301T101500Z";
  auto error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kMissingAuthenticationToken);
  EXPECT_EQ(error->message, "Request is missing Authentication Token");
  d.authorization = "Bearer abc";
  error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kMissingAuthenticationToken);
}

TEST_F(VerifyTest, IncompleteAuthorizationNamesWhatIsMissing) {
  DynamoRequest d;
  d.amz_date = "20240301T101500Z";
  d.authorization = "AWS4-HMAC-SHA256 Credential=alice/20240301/us-east-1/dynamodb/aws4_request";
  auto error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kIncompleteSignature);
  EXPECT_EQ(
      error->message,
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
      "parameter. Authorization=AWS4-HMAC-SHA256 Credential=alice/20240301/us-east-1/dynamodb/aws4_request");
  // No date at all: the same error kind, even when any key is accepted.
  auto signed_d = signed_request({"alice", "alice-secret", ""}, now_);
  signed_d.amz_date.clear();
  error = verify(signed_d.request(), VerifyOptions{}, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kIncompleteSignature);
}

TEST_F(VerifyTest, ScopeMustNameDynamoDbAndTheRequestDate) {
  auto d = signed_request({"alice", "alice-secret", ""}, now_);
  std::string auth = d.authorization;
  d.authorization.replace(d.authorization.find("/dynamodb/"), 10, "/s3/");
  auto error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kInvalidSignature);
  EXPECT_EQ(error->message, "Credential should be scoped to correct service: 'dynamodb'. ");
  d.authorization = auth;
  d.authorization.replace(d.authorization.find("/20240301/"), 10, "/20240302/");
  error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            "'20240302' != "
            "'20240301', from '20240301T101500Z'.");
  d.authorization =
      "AWS4-HMAC-SHA256 Credential=alice/20240301/x, SignedHeaders=host;x-amz-date, Signature=00";
  error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kIncompleteSignature);
  d.authorization =
      "AWS4-HMAC-SHA1 Credential=alice/20240301/us-east-1/dynamodb/aws4_request, SignedHeaders=host, "
      "Signature=00";
  error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message,
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ");
  d.authorization =
      "AWS4-HMAC-SHA256 Credential=alice/20240301/us-east-1/dynamodb/aws4_request, SignedHeaders=x-amz-date, "
      "Signature=00";
  error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST_F(VerifyTest, TheOperationMustBeSigned) {
  // A captured signed GetItem replayed as a DeleteItem: the signature covers
  // the body but not X-Amz-Target, so the replay would pass unless the
  // target must be among the signed headers.
  auto d = signed_request({"alice", "alice-secret", ""}, now_);
  ASSERT_FALSE(check(d, now_));
  std::string signed_list = "SignedHeaders=content-type;host;x-amz-date;x-amz-target";
  ASSERT_NE(d.authorization.find(signed_list), std::string::npos) << d.authorization;
  d.authorization.replace(d.authorization.find(signed_list), signed_list.size(),
                          "SignedHeaders=content-type;host;x-amz-date");
  auto error = check(d, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kInvalidSignature);
  EXPECT_EQ(error->message, "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST_F(VerifyTest, RegionIsCheckedWhenConfigured) {
  auto d = signed_request({"alice", "alice-secret", ""}, now_);
  VerifyOptions options;
  options.keys = &keys_;
  options.region = "eu-central-1";  // where signed_request signs
  EXPECT_FALSE(verify(d.request(), options, now_));
  options.region = "us-east-1";
  auto error = verify(d.request(), options, now_);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, ErrorKind::kInvalidSignature);
  EXPECT_EQ(error->message, "Credential should be scoped to a valid region, not 'eu-central-1'. ");
}

TEST_F(VerifyTest, WithoutKeysAnyWellFormedSignatureIsAccepted) {
  auto d = signed_request({"whoever", "whatever", ""}, now_ - 48h);
  EXPECT_FALSE(verify(d.request(), VerifyOptions{}, now_));
}

TEST(KeyRingTest, ParsesKeysTokensCommentsAndRejectsBadLines) {
  std::string error;
  auto ring = KeyRing::parse("# keys\nAKID1 secret1\n\n  AKID2\tsecret2  token2\r\n", &error);
  ASSERT_TRUE(ring.has_value()) << error;
  EXPECT_EQ(ring->size(), 2u);
  ASSERT_NE(ring->find("AKID2"), nullptr);
  EXPECT_EQ(ring->find("AKID2")->secret_access_key, "secret2");
  EXPECT_EQ(ring->find("AKID2")->session_token, "token2");
  EXPECT_EQ(ring->find("AKID1")->session_token, "");
  EXPECT_EQ(ring->find("nobody"), nullptr);
  EXPECT_FALSE(KeyRing::parse("AKID1 secret1\nlonely\n", &error));
  EXPECT_EQ(error, "line 2: expected ACCESS_KEY_ID SECRET [SESSION_TOKEN]");
}

TEST(CanonicalTest, PathAndQueryNormalization) {
  EXPECT_EQ(canonical_uri(""), "/");
  EXPECT_EQ(canonical_uri("/"), "/");
  EXPECT_EQ(canonical_uri("/a%20b"), "/a%2520b");  // encoded twice, as for every service but S3
  EXPECT_EQ(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
  EXPECT_EQ(canonical_query("k=a%20b+c"), "k=a%20b%2Bc");
}

}  // namespace
}  // namespace townhall::sigv4
