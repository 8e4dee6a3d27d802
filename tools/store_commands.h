// `herald texts` and `herald stats`: a broadcast of a state directory, read
// through an engine opened read_only, while it runs or after.
// docs/STORE.md shows their output.
#ifndef HERALD_TOOLS_STORE_COMMANDS_H_
#define HERALD_TOOLS_STORE_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace herald {

struct TextsFlags {
  std::string state_dir;
  std::string broadcast;
  std::vector<std::string> states;
  std::vector<std::string> results;
  std::string batch;
  std::string to;
  std::string from;
  std::string since;
  std::string until;
  std::string offset;
  std::string limit;
  std::string fields;
  std::string format = "json";
};

struct StatsFlags {
  std::string state_dir;
  std::string broadcast;
  std::string begin;
  std::string end;
  std::string fields;
};

// The `texts` and `stats` subcommands of an app; the app keeps pointers to
// the flags here, so this object must outlive its parse().
class StoreCommands {
 public:
  explicit StoreCommands(CLI::App* app);
  StoreCommands(const StoreCommands&) = delete;
  StoreCommands& operator=(const StoreCommands&) = delete;

  // After the app parsed its arguments: runs the subcommand of the two that
  // was given and returns its exit status (0 after printing its JSON or
  // table on stdout; 2 for a bad flag value, 1 when the broadcast cannot be
  // read, after printing "herald: <why>" on stderr); nullopt when neither
  // was given.
  std::optional<int> Run() const;

 private:
  TextsFlags texts_flags_;
  StatsFlags stats_flags_;
  CLI::App* texts_;
  CLI::App* stats_;
};

}  // namespace herald

#endif  // HERALD_TOOLS_STORE_COMMANDS_H_
