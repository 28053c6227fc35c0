#include "migrate/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "ddb/json_codec.h"

namespace townhall::migrate {

ddb::Result<std::unique_ptr<MigrationState>> MigrationState::open(std::string path, int segments) {
  std::unique_ptr<MigrationState> state(new MigrationState(path, segments));
  if (path.empty()) return state;
  std::ifstream in(path);
  if (!in) return state;  // a fresh migration
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (line_number == 1) {
      std::string version, segments_field;
      fields >> version >> segments_field;
      if (kind != "townhall-migrate" || version != "1") {
        return ddb::Error::Validation(path + " is not a townhall migration state file");
      }
      if (segments_field != "segments=" + std::to_string(segments)) {
        return ddb::Error::Validation(path + " was written with " + segments_field +
                                      "; resume with the same --segments");
      }
      continue;
    }
    std::string table;
    fields >> table;
    if (kind == "copied") {
      fields >> state->copied_[table];
    } else if (kind == "done" || kind == "position") {
      int segment = -1;
      fields >> segment;
      Segment& s = state->segments_state_[{table, segment}];
      if (kind == "done") {
        s.done = true;
      } else {
        std::string json;
        std::getline(fields >> std::ws, json);
        auto key = ddb::decode_attribute_map_json(json);
        if (!key.ok())
          return ddb::Error::Validation(path + ":" + std::to_string(line_number) + ": bad position");
        s.position = std::move(key).value();
      }
    } else if (!kind.empty()) {
      return ddb::Error::Validation(path + ":" + std::to_string(line_number) + ": unknown record " + kind);
    }
  }
  return state;
}

MigrationState::Segment MigrationState::segment(const std::string& table, int segment) const {
  std::lock_guard lock(mutex_);
  auto it = segments_state_.find({table, segment});
  return it == segments_state_.end() ? Segment{} : it->second;
}

int64_t MigrationState::copied(const std::string& table) const {
  std::lock_guard lock(mutex_);
  auto it = copied_.find(table);
  return it == copied_.end() ? 0 : it->second;
}

ddb::Status MigrationState::advance(const std::string& table, int segment, const Segment& state,
                                    int64_t page_items) {
  std::lock_guard lock(mutex_);
  segments_state_[{table, segment}] = state;
  copied_[table] += page_items;
  return save_locked();
}

ddb::Status MigrationState::save_locked() const {
  if (path_.empty()) return ddb::Status::Ok();
  std::string out = "townhall-migrate 1 segments=" + std::to_string(segments_) + "\n";
  for (const auto& [table, count] : copied_) out += "copied " + table + " " + std::to_string(count) + "\n";
  for (const auto& [key, s] : segments_state_) {
    const auto& [table, segment] = key;
    if (s.done) {
      out += "done " + table + " " + std::to_string(segment) + "\n";
    } else if (s.position) {
      out += "position " + table + " " + std::to_string(segment) + " " +
             ddb::encode_attribute_map_json(*s.position) + "\n";
    }
  }
  std::string temp = path_ + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ddb::Error::Internal("cannot write " + temp);
  bool written = ::write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || std::rename(temp.c_str(), path_.c_str()) != 0) {
    return ddb::Error::Internal("cannot save migration state to " + path_);
  }
  return ddb::Status::Ok();
}

}  // namespace townhall::migrate
