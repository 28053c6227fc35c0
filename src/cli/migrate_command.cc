#include "cli/migrate_command.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

#include "chat/blob_store.h"
#include "cli/admin_socket.h"
#include "cli/blob_copy.h"
#include "cli/progress_display.h"
#include "cli/store_factory.h"
#include "engine/engine.h"
#include "files/blob_store_factory.h"
#include "migrate/migrate.h"

namespace townhall::cli {
namespace {

struct MigrateSettings {
  std::string from, to, tables, state;
  // Shared files' bytes (docs/files.md): a directory or s3://bucket/prefix
  // each; by default an embedded store's DATA/files.
  std::string from_files, to_files, from_files_endpoint, to_files_endpoint;
  int segments = 4;
  int max_attempts = 12;
  std::string region, profile;  // for dynamodb: stores without their own
};

// Ctrl-C ends at once: the state file is replaced atomically after every
// acknowledged batch, so whatever moment the process stops at (this signal
// or kill -9), rerunning the same command continues from the last save.
void on_interrupt(int) {
  static const char kMessage[] =
      "\nmigrate: interrupted; run the same command (same --state) to continue where it stopped\n";
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  ::_exit(130);
}

std::vector<std::string> split_tables(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string name;
  while (std::getline(in, name, ',')) {
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

ddb::Result<std::unique_ptr<ddb::Database>> open_spec(const std::string& spec,
                                                      const MigrateSettings& settings) {
  TH_ASSIGN_OR_RETURN(StoreOptions options, parse_store_spec(spec));
  if (options.kind == "dynamodb") {
    if (options.region.empty()) options.region = settings.region;
    if (options.profile.empty()) options.profile = settings.profile;
  }
  return open_store(options);
}

// The blob store a migrate side names: --from-files/--to-files, else an
// embedded store's DATA/files; nullopt when there is none.
std::optional<std::string> files_of(const std::string& spec, const std::string& given) {
  if (!given.empty()) return given;
  auto options = parse_store_spec(spec);
  if (options.ok() && options->kind == "embedded" && !options->in_memory) return options->data_dir + "/files";
  return std::nullopt;
}

int migrate_files(const MigrateSettings& settings) {
  auto from = files_of(settings.from, settings.from_files);
  if (!from || (settings.from_files.empty() && !std::filesystem::exists(*from))) return 0;  // no files there
  auto source = files::open_blob_store({*from, settings.from_files_endpoint, ""}, *from);
  if (!source.ok()) {
    std::fprintf(stderr, "townhall migrate: files: %s\n", source.error().message.c_str());
    return 1;
  }
  auto listed = (*source)->list();
  if (listed.ok() && listed->empty()) return 0;  // nothing was ever shared
  auto to = files_of(settings.to, settings.to_files);
  if (!to) {
    std::fprintf(
        stderr,
        "townhall migrate: %s has files; give --to-files (a directory or s3://bucket/prefix) for them\n",
        from->c_str());
    return 1;
  }
  auto target = files::open_blob_store({*to, settings.to_files_endpoint, ""}, *to);
  if (!target.ok()) {
    std::fprintf(stderr, "townhall migrate: files: %s\n", target.error().message.c_str());
    return 1;
  }
  auto report = copy_blobs(**source, **target);
  if (!report.ok()) {
    std::fprintf(stderr, "\ntownhall migrate: files: %s\n", report.error().message.c_str());
    return 1;
  }
  std::printf("files: %lld blobs, %lld copied, verified\n", static_cast<long long>(report->source),
              static_cast<long long>(report->copied));
  return 0;
}

int run_migrate(const MigrateSettings& settings) {
  if (settings.from == settings.to) {
    std::fprintf(stderr, "townhall migrate: --from and --to are the same store\n");
    return 1;
  }
  auto from = open_spec(settings.from, settings);
  if (!from.ok()) {
    std::fprintf(stderr, "townhall migrate: --from %s: %s\n", settings.from.c_str(),
                 from.error().to_string().c_str());
    return 1;
  }
  auto to = open_spec(settings.to, settings);
  if (!to.ok()) {
    std::fprintf(stderr, "townhall migrate: --to %s: %s\n", settings.to.c_str(),
                 to.error().to_string().c_str());
    return 1;
  }
  signal(SIGINT, on_interrupt);
  signal(SIGTERM, on_interrupt);
  if (settings.state.empty()) {
    std::fprintf(stderr, "migrate: no --state FILE: an interrupted copy starts over\n");
  } else if (std::filesystem::exists(settings.state)) {
    std::fprintf(stderr, "migrate: resuming from %s\n", settings.state.c_str());
  }

  ProgressDisplay display(stderr, ::isatty(STDERR_FILENO) == 1);
  migrate::MigrateOptions options;
  options.tables = split_tables(settings.tables);
  options.segments = settings.segments;
  options.state_file = settings.state;
  options.max_attempts = settings.max_attempts;
  options.on_progress = [&display](const migrate::Progress& progress) {
    display.update(progress.table, progress.copied, progress.expected, progress.done);
  };
  auto reports = migrate::migrate(**from, **to, options);
  display.finish_line();
  if (!reports.ok()) {
    std::fprintf(stderr, "townhall migrate: %s\n", reports.error().to_string().c_str());
    if (!settings.state.empty()) {
      std::fprintf(stderr, "migrate: progress is saved in %s; run the same command to continue\n",
                   settings.state.c_str());
    }
    return 1;
  }
  for (const auto& report : *reports) {
    std::printf("%s: %lld items, verified (source %lld = target %lld)\n", report.table.c_str(),
                static_cast<long long>(report.target_items), static_cast<long long>(report.source_items),
                static_cast<long long>(report.target_items));
  }
  std::fflush(stdout);
  // Done: a later migration with the same --state must not skip everything.
  if (!settings.state.empty()) std::filesystem::remove(settings.state);
  return migrate_files(settings);
}

// The shared files' bytes beside a store (DATA/files), into a backup: hard
// links (blobs are never changed in place: a new one is written under a
// temporary name and renamed), copies across file systems. Files already
// there are kept (a second pass adds what came since the first).
bool link_files(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(from, ec)) return true;
  for (fs::recursive_directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!it->is_regular_file(ec) || !chat::is_blob_key(name)) {
      continue;  // a directory, or a temporary file of an upload in flight
    }
    fs::path target = fs::path(to) / fs::relative(it->path(), from, ec);
    fs::create_directories(target.parent_path(), ec);
    if (fs::exists(target, ec)) continue;
    fs::create_hard_link(it->path(), target, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(it->path(), target, ec);
    }
    if (ec) {
      std::fprintf(stderr, "townhall backup: %s: %s\n", target.c_str(), ec.message().c_str());
      return false;
    }
  }
  return !ec;
}

int run_backup(const std::string& dir_arg, const StoreOptions& store) {
  if (store.kind != "embedded" || store.in_memory) {
    std::fprintf(stderr,
                 "townhall backup: backs up an embedded store on disk (--data DIR); "
                 "for DynamoDB use its point-in-time recovery or `townhall migrate`\n");
    return 1;
  }
  std::error_code ec;
  std::string dir = std::filesystem::absolute(dir_arg, ec).lexically_normal().string();
  if (ec || std::filesystem::exists(dir)) {
    std::fprintf(stderr, "townhall backup: %s already exists; name a new directory\n", dir_arg.c_str());
    return 1;
  }
  // The files' bytes are linked before the checkpoint and again after it:
  // every blob an item of the checkpoint names existed before it, and one
  // stored after the first pass is too young for the sweep to remove.
  const std::string files_from = store.data_dir + "/files", files_to = dir + ".files-partial";
  if (!link_files(files_from, files_to)) return 1;
  auto finish_files = [&]() {
    if (!link_files(files_from, files_to)) return false;
    std::error_code rename_error;
    if (std::filesystem::exists(files_to)) std::filesystem::rename(files_to, dir + "/files", rename_error);
    if (rename_error) std::fprintf(stderr, "townhall backup: files: %s\n", rename_error.message().c_str());
    return !rename_error;
  };
  // A running server holds the store: it takes the checkpoint itself.
  if (auto through_server = backup_through_socket(store.data_dir, dir)) {
    if (!through_server->ok()) {
      std::fprintf(stderr, "townhall backup: the server holding %s: %s\n", store.data_dir.c_str(),
                   through_server->error().message.c_str());
      return 1;
    }
    if (!finish_files()) return 1;
    std::printf("backup of %s written to %s (by the running server)\n", store.data_dir.c_str(), dir.c_str());
    return 0;
  }
  if (!std::filesystem::exists(store.data_dir)) {
    std::fprintf(stderr, "townhall backup: no store at %s\n", store.data_dir.c_str());
    return 1;
  }
  engine::EngineOptions options;
  options.data_dir = store.data_dir;
  auto engine = engine::Engine::open(options);
  if (!engine.ok()) {
    std::fprintf(stderr,
                 "townhall backup: cannot open %s (%s); if a townhall server has it open, it answers on %s "
                 "only from this version on: restart it, or stop it for the backup\n",
                 store.data_dir.c_str(), engine.error().message.c_str(),
                 admin_socket_path(store.data_dir).c_str());
    return 1;
  }
  if (auto status = (*engine)->checkpoint(dir); !status.ok()) {
    std::fprintf(stderr, "townhall backup: %s\n", status.error().message.c_str());
    return 1;
  }
  if (!finish_files()) return 1;
  std::printf("backup of %s written to %s\n", store.data_dir.c_str(), dir.c_str());
  return 0;
}

}  // namespace

void register_migrate_command(CLI::App& app, int* exit_code) {
  auto settings = std::make_shared<MigrateSettings>();
  CLI::App* cmd = app.add_subcommand(
      "migrate",
      "Copy tables between stores (embedded:DIR, dynamodb:URL), resumable, verified by item counts");
  cmd->add_option("--from", settings->from,
                  "Source store: embedded:DIR or dynamodb:URL (URL may be empty: AWS config)")
      ->required();
  cmd->add_option("--to", settings->to, "Target store: embedded:DIR or dynamodb:URL")->required();
  cmd->add_option("--tables", settings->tables,
                  "Comma-separated tables (default: every table of the source)");
  cmd->add_option("--segments", settings->segments,
                  "Parallel scan segments (1-64); resume with the same number")
      ->capture_default_str();
  cmd->add_option("--state", settings->state,
                  "Progress file: rerun the same command with it to continue after an interruption");
  cmd->add_option("--max-attempts", settings->max_attempts,
                  "Tries per batch when the target throttles or fails, with exponential backoff")
      ->capture_default_str();
  cmd->add_option("--from-files", settings->from_files,
                  "The source's shared files: a directory or s3://bucket/prefix (default: an embedded "
                  "store's DATA/files)");
  cmd->add_option(
      "--to-files", settings->to_files,
      "Where the files go: a directory or s3://bucket/prefix (default: an embedded target's DATA/files)");
  cmd->add_option("--from-files-endpoint", settings->from_files_endpoint,
                  "S3-compatible endpoint of --from-files");
  cmd->add_option("--to-files-endpoint", settings->to_files_endpoint, "S3-compatible endpoint of --to-files");
  cmd->add_option("--region", settings->region, "Region for dynamodb stores (default: AWS_REGION, ~/.aws)");
  cmd->add_option("--profile", settings->profile, "AWS profile for dynamodb stores");
  cmd->callback([settings, exit_code] { *exit_code = run_migrate(*settings); });
}

void register_backup_command(CLI::App& app, int* exit_code) {
  auto store = std::make_shared<StoreOptions>();
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "backup", "Write a consistent copy of the embedded store to DIR (online: a running server takes it)");
  cmd->add_option("DIR", *dir, "A new directory for the backup; `townhall serve --data DIR` opens it")
      ->required();
  cmd->add_option("--data,--data-dir", store->data_dir, "The store to back up")
      ->envname("TOWNHALL_DATA")
      ->capture_default_str();
  cmd->callback([store, dir, exit_code] { *exit_code = run_backup(*dir, *store); });
}

}  // namespace townhall::cli
