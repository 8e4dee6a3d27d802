// What `herald run` was asked to do, kept in the store so that
// `herald resume --state DIR` can do it again.
#ifndef HERALD_TOOLS_RUN_FLAGS_H_
#define HERALD_TOOLS_RUN_FLAGS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace herald {

struct RunFlags {
  std::string campaign;
  std::vector<std::string> contacts;
  std::vector<std::string> dnc;
  std::string outbox = "outbox.jsonl";
  std::string report;
  std::string outcomes;
  std::string phone_column;
  int workers = 0;
  bool quiet = false;
  size_t limit = 10;  // render: texts to show
  std::string clock = "real";
  std::string start;      // virtual clock: when the run begins
  std::string deadline;   // nothing is sent from then on
  std::string tz_data;    // NPA-NXX zone data overriding the built-in table
  std::string providers;  // providers file
  std::string provider;   // the provider to send through; none: the outbox
  std::string run_id;     // idempotency key prefix; default from the inputs
  std::string state;      // the broadcast's state directory; none: no store
  std::string webhook;    // webhook file for Finished events
};

// The flags that define a run, as JSON, with every path made absolute so a
// resume may start from another directory. `quiet` and `limit` are left out:
// they are how a run is watched, not what it does.
std::string RunFlagsToJson(const RunFlags& flags);

// The inverse of RunFlagsToJson; errors say what is wrong in `json`.
absl::StatusOr<RunFlags> RunFlagsFromJson(const std::string& json);

}  // namespace herald

#endif  // HERALD_TOOLS_RUN_FLAGS_H_
