#include "cli/serve_config.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

namespace townhall::cli {
namespace {

// Options that say where the configuration comes from, not what it is.
bool is_meta(const CLI::Option* option) {
  const auto& names = option->get_lnames();
  return names.empty() || names.front() == "help" || names.front() == "config" ||
         names.front() == "print-config";
}

bool is_flag(const CLI::Option* option) { return option->get_expected_min() == 0; }

// `!--no-access-log`: the key says "no", the result the variable holds says
// the opposite. CLI11 stores the variable's sense, so printing inverts it.
bool is_negated(const CLI::Option* option) {
  return option->get_flag_value(option->get_lnames().front(), "true") == "false";
}

bool is_secret(const std::string& key) { return key == "metrics-token" || key == "dynamodb-credentials"; }

CLI::ConfigError config_error(const std::string& path, const std::string& message) {
  return CLI::ConfigError(path + ": " + message);
}

}  // namespace

void add_config_flags(CLI::App* cmd, ConfigFileSettings& settings) {
  cmd->add_option("--config", settings.path,
                  std::string("Read options from this file (keys are the long option names; flags and "
                              "TOWNHALL_* win over it). Default: ") +
                      kDefaultConfigPath + " when it exists")
      ->envname("TOWNHALL_CONFIG")
      ->configurable(false);
  cmd->add_flag("--print-config", settings.print_config,
                "Print the options serve would run with (flags, environment, file), in the file's format, "
                "and exit")
      ->configurable(false);
}

void apply_config_file(CLI::App* cmd, const ConfigFileSettings& settings) {
  const bool named = cmd->get_option("--config")->count() > 0;
  const std::string path = named ? settings.path : std::string(kDefaultConfigPath);
  struct stat info {};
  if (!named && ::stat(path.c_str(), &info) != 0 && errno == ENOENT) return;  // no file: defaults
  std::ifstream in(path);
  if (!in) throw CLI::FileError(path + ": " + std::strerror(errno));
  CLI::ConfigTOML format;
  const std::vector<CLI::ConfigItem> items = format.from_config(in);
  std::set<const CLI::Option*> seen;
  for (const CLI::ConfigItem& item : items) {
    if (!item.parents.empty()) {
      throw config_error(
          path, "[" + item.parents.front() + "]: the file has no sections; write every key at the top level");
    }
    CLI::Option* option = cmd->get_option_no_throw("--" + item.name);
    if (!option || is_meta(option)) {
      throw config_error(path, "unknown key '" + item.name +
                                   "' (keys are the long option names that `townhall serve --help` lists)");
    }
    if (!seen.insert(option).second) throw config_error(path, "'" + item.name + "' is given twice");
    if (option->count() > 0) continue;  // a flag or TOWNHALL_* set it: they win over the file
    if (item.inputs.empty() && option->get_expected_max() > 1) continue;  // `key = []`: the default, none
    try {
      if (is_flag(option)) {
        option->add_result(option->get_flag_value(item.name, format.to_flag(item)));
      } else {
        option->add_result(item.inputs);
      }
      option->run_callback();  // the option's checks, then the value into its variable
    } catch (const CLI::ParseError& e) {
      throw config_error(path, item.name + ": " + e.what());
    }
  }
}

std::string effective_config(const CLI::App* cmd) {
  std::string out;
  for (const CLI::Option* option : cmd->get_options()) {
    if (is_meta(option)) continue;
    const std::string& key = option->get_lnames().front();
    out.append("\n# ").append(option->get_description()).append("\n");
    const bool set = option->count() > 0;
    std::string value;
    if (set && is_secret(key)) {
      out.append("# ").append(key).append(" = (set, not shown)\n");
      continue;
    }
    if (is_flag(option)) {
      // A flag's key is true when the flag is in effect.
      bool on = set && (option->as<bool>() != is_negated(option));
      value = on ? "true" : "false";
    } else if (set) {
      value = CLI::detail::ini_join(option->reduced_results());
    } else if (option->get_default_str().empty()) {
      // Unset, no default to show (an address, a path): a commented template
      // line, since "" is not a value every option accepts.
      out.append("# ").append(key).append(" = ").append(option->get_expected_max() > 1 ? "[]" : "\"\"");
      out += '\n';
      continue;
    } else {
      value = CLI::detail::convert_arg_for_ini(option->get_default_str());
    }
    out.append(key).append(" = ").append(value).append("\n");
  }
  return out;
}

}  // namespace townhall::cli
