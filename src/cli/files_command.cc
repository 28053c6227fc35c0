#include "cli/files_command.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "chat/blob_store.h"
#include "ddb/json_writer.h"
#include "files/blob_store_factory.h"

namespace townhall::cli {
namespace {

struct CheckSettings {
  std::string files, endpoint, region;
};

int fail(std::string_view step, const chat::Error& error) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("ok");
  w.boolean(false);
  w.key("step");
  w.string(step);
  w.key("code");
  w.string(chat::code_name(error.code));
  w.key("error");
  w.string(error.message);
  w.end_object();
  std::fprintf(stderr, "%s\n", out.c_str());
  return 1;
}

int fail(std::string_view step, std::string message) {
  return fail(step, chat::Error::Internal(std::move(message)));
}

// Random bytes: a blob no earlier run stored, so the put really writes.
std::string random_bytes(size_t size) {
  std::random_device seed;
  std::mt19937_64 generator(seed());
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    uint64_t word = generator();
    for (size_t j = 0; j < 8 && i + j < size; ++j) bytes[i + j] = static_cast<char>(word >> (8 * j));
  }
  return bytes;
}

bool listed(const std::vector<chat::BlobStore::Entry>& entries, const std::string& key) {
  return std::any_of(entries.begin(), entries.end(), [&](const auto& e) { return e.key == key; });
}

int run_check(const CheckSettings& settings) {
  files::BlobStoreOptions options{settings.files, settings.endpoint, settings.region};
  auto store = files::open_blob_store(options, /*default_directory=*/"");
  if (!store.ok()) return fail("open", store.error());
  chat::BlobStore& blobs = **store;

  // A large blob (several TCP windows; a multi-megabyte body both ways), an
  // empty one (Content-Length: 0), and a small one that is removed again.
  const std::vector<std::string> contents = {random_bytes(3 * 1024 * 1024), std::string(),
                                             "townhall files check\n"};
  std::vector<std::string> keys;
  for (const auto& bytes : contents) {
    keys.push_back(chat::blob_key(bytes));
    if (auto put = blobs.put(keys.back(), bytes); !put.ok()) return fail("put", put.error());
  }
  for (size_t i = 0; i < contents.size(); ++i) {
    auto got = blobs.get(keys[i]);
    if (!got.ok()) return fail("get", got.error());
    if (*got != contents[i]) {
      return fail("get", "blob " + keys[i] + " came back as " + std::to_string(got->size()) +
                             " different bytes (" + std::to_string(contents[i].size()) + " stored)");
    }
  }
  auto entries = blobs.list();
  if (!entries.ok()) return fail("list", entries.error());
  for (const auto& key : keys) {
    if (!listed(*entries, key)) return fail("list", "blob " + key + " is not listed");
  }

  const std::string removed = keys.back();
  keys.pop_back();
  if (auto status = blobs.remove(removed); !status.ok()) return fail("remove", status.error());
  auto gone = blobs.get(removed);
  if (gone.ok()) return fail("remove", "blob " + removed + " can still be read after its removal");
  if (!gone.error().is(chat::Code::kNotFound)) return fail("remove", gone.error());
  if (auto again = blobs.remove(removed); !again.ok()) return fail("remove missing", again.error());
  auto after = blobs.list();
  if (!after.ok()) return fail("list", after.error());
  if (listed(*after, removed)) return fail("list", "blob " + removed + " is still listed after its removal");

  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("ok");
  w.boolean(true);
  w.key("blobs");
  w.begin_array();
  for (const auto& key : keys) w.string(key);
  w.end_array();
  w.key("removed");
  w.string(removed);
  w.end_object();
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace

void register_files_command(CLI::App& app, int* exit_code) {
  auto* files = app.add_subcommand("files", "Where shared files' bytes live");
  files->require_subcommand(1);
  auto settings = std::make_shared<CheckSettings>();
  auto* check = files->add_subcommand(
      "check",
      "Put, read, list and remove test blobs in a blob store; prints {\"ok\":true,...} when all worked");
  check->add_option("--files", settings->files, "s3://BUCKET/PREFIX, or a directory")->required();
  check->add_option(
      "--files-endpoint", settings->endpoint,
      "S3 endpoint URL (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or AWS S3 in the region)");
  check->add_option(
      "--region", settings->region,
      "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile; us-east-1 with an endpoint)");
  check->callback([settings, exit_code] { *exit_code = run_check(*settings); });
}

}  // namespace townhall::cli
