// The S3 store without a network: signing checked against AWS's published
// examples and botocore's S3 signer, the XML it reads, and the requests it
// makes (through a fake transport) for put, get, remove, list and retries.
#include "files/s3_blob_store.h"

#include <gtest/gtest.h>

#include <deque>
#include <optional>

#include "files/s3_protocol.h"

namespace townhall::files {
namespace {

using client::HttpResponse;
using client::TransportError;
using client::TransportResult;

sigv4::Credentials example_keys() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
}
constexpr std::string_view kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::chrono::system_clock::time_point may_24_2013() { return *sigv4::parse_amz_date("20130524T000000Z"); }

TEST(S3Protocol, UriEncodesKeysOnceKeepingSlashes) {
  EXPECT_EQ(s3::uri_encode("files/ab c$~-._", true), "files/ab%20c%24~-._");
  EXPECT_EQ(s3::uri_encode("files/", false), "files%2F");
  EXPECT_EQ(s3::uri_encode("\xC3\xA9+=&%", true), "%C3%A9%2B%3D%26%25");
}

// The examples of "Signature Calculations for the Authorization Header"
// (AWS S3 API reference, sig-v4-header-based-auth).
TEST(S3Protocol, SignsAwsDocumentedGetObject) {
  sigv4::Request request{"GET",
                         "/test.txt",
                         {{"Host", "examplebucket.s3.amazonaws.com"},
                          {"Range", "bytes=0-9"},
                          {"x-amz-content-sha256", kEmptyHash},
                          {"x-amz-date", "20130524T000000Z"}},
                         {}};
  auto signed_headers =
      sigv4::sign(request, example_keys(), sigv4::SigningOptions{"us-east-1", "s3", may_24_2013(), true});
  EXPECT_EQ(signed_headers.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3Protocol, SignsAwsDocumentedPutObjectWithAnEncodedKey) {
  // The key is "test$file.text"; the request sends it encoded, once.
  const std::string body = "Welcome to Amazon S3.", hash = sigv4::sha256_hex(body);  // the views' storage
  sigv4::Request request{"PUT",
                         "/test%24file.text",
                         {{"Host", "examplebucket.s3.amazonaws.com"},
                          {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                          {"x-amz-date", "20130524T000000Z"},
                          {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                          {"x-amz-content-sha256", hash}},
                         body};
  auto signed_headers =
      sigv4::sign(request, example_keys(), sigv4::SigningOptions{"us-east-1", "s3", may_24_2013(), true});
  EXPECT_EQ(signed_headers.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(S3Protocol, SignsAwsDocumentedListObjects) {
  sigv4::Request request{"GET",
                         "/?max-keys=2&prefix=J",
                         {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-content-sha256", kEmptyHash}},
                         {}};
  auto signed_headers =
      sigv4::sign(request, example_keys(), sigv4::SigningOptions{"us-east-1", "s3", may_24_2013(), true});
  EXPECT_EQ(signed_headers.amz_date, "20130524T000000Z");
  EXPECT_EQ(signed_headers.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3Protocol, CanonicalRequestKeepsThePathAsSent) {
  // Other services normalize "a//b/../c"; S3 signs the path as it is.
  std::vector<std::string> names = {"host"};
  sigv4::Request request{"GET", "/bucket/a//b/../c%20d?b=2&a=%2F", {{"Host", "h"}}, {}};
  EXPECT_EQ(sigv4::canonical_request(request, names, "UNSIGNED-PAYLOAD", sigv4::PathRule::kAsSent),
            "GET\n/bucket/a//b/../c%20d\na=%2F&b=2\nhost:h\n\nhost\nUNSIGNED-PAYLOAD");
  EXPECT_NE(sigv4::canonical_request(request, names, "UNSIGNED-PAYLOAD"),
            sigv4::canonical_request(request, names, "UNSIGNED-PAYLOAD", sigv4::PathRule::kAsSent));
}

TEST(S3Protocol, ParsesIso8601) {
  EXPECT_EQ(s3::parse_iso8601_ms("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(s3::parse_iso8601_ms("2009-10-12T17:50:30.000Z"), 1255369830000);
  EXPECT_EQ(s3::parse_iso8601_ms("2009-10-12T17:50:30Z"), 1255369830000);
  EXPECT_EQ(s3::parse_iso8601_ms("2009-10-12T17:50:30.5Z"), 1255369830500);
  EXPECT_EQ(s3::parse_iso8601_ms("2009-10-12T17:50:30.123456Z"), 1255369830123);
  EXPECT_EQ(s3::parse_iso8601_ms("2009-10-12T19:50:30.000+02:00"), 1255369830000);
  for (const char* bad : {"", "2009-10-12", "2009-10-12T17:50:30", "2009-02-30T00:00:00Z",
                          "2009-10-12T24:00:00Z", "2009-10-12T17:50:30.Z", "2009-10-12T17:50:30Zjunk",
                          "2009/10/12T17:50:30Z", "2009-10-12T17:50:30+0200"}) {
    EXPECT_FALSE(s3::parse_iso8601_ms(bad).has_value()) << bad;
  }
}

constexpr std::string_view kPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>townhall</Name><Prefix>files/</Prefix><KeyCount>3</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>files/a&amp;b &lt;c&gt; &#233;&#x20AC;</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents>
    <Key>files/x</Key>
    <LastModified>1970-01-01T00:00:01Z</LastModified>
  </Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <StartAfter/>
</ListBucketResult>)";

TEST(S3Protocol, ParsesAListObjectsV2Page) {
  auto page = s3::parse_list_objects_v2(kPage);
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "files/a&b <c> \xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(page->objects[0].modified_ms, 1255369830000);
  EXPECT_EQ(page->objects[1].key, "files/x");
  EXPECT_EQ(page->objects[1].modified_ms, 1000);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");

  auto empty = s3::parse_list_objects_v2(
      "<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></"
      "ListBucketResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->objects.empty());
  EXPECT_FALSE(empty->truncated);
}

TEST(S3Protocol, RefusesMalformedListings) {
  for (std::string_view bad : {
           std::string_view(""),
           std::string_view("not xml at all"),
           std::string_view("<Error><Code>AccessDenied</Code></Error>"),
           std::string_view("<ListBucketResult><Contents><LastModified>2009-10-12T17:50:30Z</LastModified>"
                            "</Contents></ListBucketResult>"),
           std::string_view("<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>"),
           std::string_view("<ListBucketResult><Contents><Key>k</Key><LastModified>yesterday</LastModified>"
                            "</Contents></ListBucketResult>"),
           std::string_view("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"),
       }) {
    EXPECT_FALSE(s3::parse_list_objects_v2(bad).ok()) << bad;
  }
  // Every truncation of a good page, and every byte flipped to '<' or '>',
  // parses or fails cleanly: never a crash or a read out of bounds.
  for (size_t n = 0; n <= kPage.size(); ++n) (void)s3::parse_list_objects_v2(kPage.substr(0, n));
  std::string mangled(kPage);
  for (size_t i = 0; i < mangled.size(); ++i) {
    for (char c : {'<', '>', '/', '&', ';'}) {
      char saved = mangled[i];
      mangled[i] = c;
      (void)s3::parse_list_objects_v2(mangled);
      mangled[i] = saved;
    }
  }
}

TEST(S3Protocol, DescribesErrors) {
  EXPECT_EQ(
      s3::describe_error(404,
                         "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified "
                         "bucket does not exist</Message><BucketName>b</BucketName></Error>"),
      "HTTP 404 NoSuchBucket: The specified bucket does not exist");
  EXPECT_EQ(s3::describe_error(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>"),
            "HTTP 403 SignatureDoesNotMatch");
  EXPECT_EQ(s3::describe_error(502, "<html>Bad\ngateway</html>"), "HTTP 502: <html>Bad gateway</html>");
  EXPECT_EQ(s3::describe_error(500, ""), "HTTP 500");
  EXPECT_EQ(s3::error_code("<Error><Code>NoSuchKey</Code></Error>"), "NoSuchKey");
  EXPECT_EQ(s3::error_code("<Error><Code>No"), "");
}

// --- The store over a fake transport ------------------------------------------

struct FakeS3 {
  std::vector<client::HttpRequest> requests;
  std::deque<TransportResult<HttpResponse>> answers;  // empty: 200 with no body

  S3BlobStore::Transport transport() {
    return [this](const client::HttpRequest& request) -> TransportResult<HttpResponse> {
      requests.push_back(request);
      if (answers.empty()) return HttpResponse{200, {}, {}};
      auto answer = std::move(answers.front());
      answers.pop_front();
      return answer;
    };
  }
};

const std::string* header(const client::HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return &value;
    }
  }
  return nullptr;
}

std::unique_ptr<S3BlobStore> fake_store(FakeS3& fake, std::string prefix = "files/", bool path_style = true) {
  S3Options options;
  options.bucket = "townhall";
  options.prefix = std::move(prefix);
  options.credentials = example_keys();
  options.path_style = path_style;
  auto store = S3BlobStore::open(std::move(options), "localhost:4569", fake.transport(), may_24_2013);
  EXPECT_TRUE(store.ok());
  return std::move(store).value();
}

constexpr std::string_view kHello = "hello";
const std::string& hello_key() {
  static const std::string key = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  return key;
}

TEST(S3BlobStore, PutSendsASignedPutObject) {
  FakeS3 fake;
  auto store = fake_store(fake);
  ASSERT_EQ(chat::blob_key(kHello), hello_key());
  ASSERT_TRUE(store->put(hello_key(), kHello).ok());
  ASSERT_EQ(fake.requests.size(), 1u);
  const auto& request = fake.requests[0];
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.target, "/townhall/files/" + hello_key());
  EXPECT_EQ(request.body, kHello);
  EXPECT_EQ(*header(request, "x-amz-content-sha256"), hello_key());
  EXPECT_EQ(*header(request, "content-type"), "application/octet-stream");
  EXPECT_EQ(*header(request, "x-amz-date"), "20130524T000000Z");
  // botocore's S3SigV4Auth signs this same request (at this time, with these keys) so:
  EXPECT_EQ(*header(request, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
            "Signature=40d83ddd12e671206457e5ce25636571cc03a7ae10d442449b81aa32cc8b568c");
}

TEST(S3BlobStore, ListPagesThroughContinuationTokens) {
  FakeS3 fake;
  auto store = fake_store(fake);
  std::string other = std::string(64, 'a');
  fake.answers.push_back(
      HttpResponse{200,
                   {},
                   "<ListBucketResult><IsTruncated>true</IsTruncated>"
                   "<Contents><Key>files/" +
                       hello_key() +
                       "</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified></Contents>"
                       "<Contents><Key>files/notes.txt</Key><LastModified>2009-10-12T17:50:30Z"
                       "</LastModified></Contents>"
                       "<NextContinuationToken>a/b+c==</NextContinuationToken></ListBucketResult>"});
  fake.answers.push_back(HttpResponse{200,
                                      {},
                                      "<ListBucketResult><IsTruncated>false</IsTruncated>"
                                      "<Contents><Key>files/" +
                                          other +
                                          "</Key><LastModified>1970-01-01T00:00:02Z</LastModified></Contents>"
                                          "<Contents><Key>files/sub/" +
                                          other +
                                          "</Key><LastModified>1970-01-01T00:00:02Z</LastModified></Contents>"
                                          "<Contents><Key>files/" +
                                          std::string(64, 'A') +
                                          "</Key><LastModified>1970-01-01T00:00:02Z</LastModified></Contents>"
                                          "</ListBucketResult>"});
  auto listed = store->list();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].key, hello_key());
  EXPECT_EQ((*listed)[0].modified_ms, 1255369830000);
  EXPECT_EQ((*listed)[1].key, other);
  EXPECT_EQ((*listed)[1].modified_ms, 2000);
  ASSERT_EQ(fake.requests.size(), 2u);
  EXPECT_EQ(fake.requests[0].target, "/townhall?list-type=2&prefix=files%2F");
  EXPECT_EQ(fake.requests[1].target,
            "/townhall?list-type=2&prefix=files%2F&continuation-token=a%2Fb%2Bc%3D%3D");
  // As botocore signs GET /townhall?list-type=2&prefix=files%2F&continuation-token=a%2Fb%2Bc%3D%3D:
  EXPECT_EQ(*header(fake.requests[1], "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
            "Signature=9a1e7f3e9d26e1e1ff95fd117fc30fdfe3942c4703b8fa1ac84d96d70de3b31b");
}

TEST(S3BlobStore, ListRefusesATokenThatRepeats) {
  FakeS3 fake;
  auto store = fake_store(fake);
  std::string page =
      "<ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>t"
      "</NextContinuationToken></ListBucketResult>";
  fake.answers.push_back(HttpResponse{200, {}, page});
  fake.answers.push_back(HttpResponse{200, {}, page});
  EXPECT_FALSE(store->list().ok());
  EXPECT_EQ(fake.requests.size(), 2u);
}

TEST(S3BlobStore, VirtualHostedBucketsAreNotInThePath) {
  FakeS3 fake;
  auto store = fake_store(fake, "", /*path_style=*/false);
  EXPECT_EQ(store->object_target(hello_key()), "/" + hello_key());
  EXPECT_EQ(store->list_target(""), "/?list-type=2");
}

TEST(S3BlobStore, MapsAnswersToErrors) {
  FakeS3 fake;
  auto store = fake_store(fake);
  fake.answers.push_back(HttpResponse{404, {}, "<Error><Code>NoSuchKey</Code></Error>"});
  auto missing = store->get(hello_key());
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().is(chat::Code::kNotFound));

  fake.answers.push_back(
      HttpResponse{404, {}, "<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>"});
  auto no_bucket = store->get(hello_key());
  ASSERT_FALSE(no_bucket.ok());
  EXPECT_TRUE(no_bucket.error().is(chat::Code::kInternal));
  EXPECT_NE(no_bucket.error().message.find("NoSuchBucket: gone"), std::string::npos)
      << no_bucket.error().message;

  fake.answers.push_back(
      HttpResponse{403, {}, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"});
  auto denied = store->put(hello_key(), kHello);
  ASSERT_FALSE(denied.ok());
  EXPECT_TRUE(denied.error().is(chat::Code::kInternal));
  EXPECT_NE(denied.error().message.find("HTTP 403"), std::string::npos) << denied.error().message;

  fake.answers.push_back(HttpResponse{204, {}, {}});
  EXPECT_TRUE(store->remove(hello_key()).ok());
  fake.answers.push_back(HttpResponse{404, {}, {}});
  EXPECT_TRUE(store->remove(hello_key()).ok());
  EXPECT_EQ(fake.requests.back().method, "DELETE");

  fake.answers.push_back(HttpResponse{200, {}, std::string(kHello)});
  auto got = store->get(hello_key());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, kHello);
  EXPECT_EQ(fake.requests.back().method, "GET");
  EXPECT_EQ(*header(fake.requests.back(), "x-amz-content-sha256"), kEmptyHash);

  size_t sent = fake.requests.size();
  for (const std::string& bad : {std::string("../etc/passwd"), std::string(64, 'G'), hello_key() + "0"}) {
    EXPECT_TRUE(store->put(bad, "x").error().is(chat::Code::kInvalidArgument));
    EXPECT_TRUE(store->get(bad).error().is(chat::Code::kInvalidArgument));
    EXPECT_TRUE(store->remove(bad).error().is(chat::Code::kInvalidArgument));
  }
  EXPECT_EQ(fake.requests.size(), sent);  // refused before anything is sent
}

TEST(S3BlobStore, RetriesTransportFailuresAnd5xx) {
  FakeS3 fake;
  auto store = fake_store(fake);
  fake.answers.push_back(TransportError{TransportError::Kind::kDropped, "reset", false});
  fake.answers.push_back(HttpResponse{503, {}, "<Error><Code>SlowDown</Code></Error>"});
  fake.answers.push_back(HttpResponse{200, {}, {}});
  EXPECT_TRUE(store->put(hello_key(), kHello).ok());
  EXPECT_EQ(fake.requests.size(), 3u);

  // Four attempts in all, then the last answer.
  fake.requests.clear();
  for (int i = 0; i < 5; ++i)
    fake.answers.push_back(HttpResponse{500, {}, "<Error><Code>InternalError</Code></Error>"});
  auto failed = store->put(hello_key(), kHello);
  ASSERT_FALSE(failed.ok());
  EXPECT_TRUE(failed.error().is(chat::Code::kInternal));
  EXPECT_EQ(fake.requests.size(), 4u);
  fake.answers.clear();

  fake.requests.clear();
  for (int i = 0; i < 4; ++i)
    fake.answers.push_back(TransportError{TransportError::Kind::kConnect, "refused", true});
  auto unreachable = store->get(hello_key());
  ASSERT_FALSE(unreachable.ok());
  EXPECT_TRUE(unreachable.error().is(chat::Code::kUnavailable));
  EXPECT_NE(unreachable.error().message.find("gave up after 4 attempts"), std::string::npos);
  EXPECT_EQ(fake.requests.size(), 4u);

  // A bad certificate and a 4xx are final.
  fake.requests.clear();
  fake.answers.push_back(TransportError{TransportError::Kind::kTls, "certificate verify failed", true});
  EXPECT_TRUE(store->get(hello_key()).error().is(chat::Code::kUnavailable));
  fake.answers.push_back(HttpResponse{400, {}, "<Error><Code>RequestTimeTooSkewed</Code></Error>"});
  EXPECT_TRUE(store->get(hello_key()).error().is(chat::Code::kInternal));
  EXPECT_EQ(fake.requests.size(), 2u);
}

TEST(S3BlobStore, OpenRefusesBadSettings) {
  S3Options options;
  options.endpoint_url = "http://127.0.0.1:4569";
  options.bucket = "b";
  options.credentials = example_keys();
  EXPECT_TRUE(S3BlobStore::open(options).ok());
  auto with = [&](auto change) {
    S3Options changed = options;
    change(changed);
    auto store = S3BlobStore::open(changed);
    return store.ok() ? std::optional<chat::Code>() : store.error().code;
  };
  EXPECT_EQ(with([](S3Options& o) { o.endpoint_url = "localhost:4569"; }),
            std::optional(chat::Code::kInvalidArgument));
  EXPECT_EQ(with([](S3Options& o) { o.endpoint_url = "http://h:1/path"; }),
            std::optional(chat::Code::kInvalidArgument));
  EXPECT_EQ(with([](S3Options& o) { o.bucket = ""; }), std::optional(chat::Code::kInvalidArgument));
  EXPECT_EQ(with([](S3Options& o) { o.bucket = "a/b"; }), std::optional(chat::Code::kInvalidArgument));
  EXPECT_EQ(with([](S3Options& o) { o.credentials = {}; }), std::optional(chat::Code::kInvalidArgument));
  EXPECT_EQ(with([](S3Options& o) { o.path_style = false; }),
            std::optional(chat::Code::kInvalidArgument));  // an address
}

}  // namespace
}  // namespace townhall::files
