// What `herald run` was asked to do. With --state DIR the command is kept in
// DIR/herald-run.json: the engine keeps each broadcast's own options, but
// not the engine's (the providers file, the clock, the zone data) nor where
// the report goes, and `herald resume --state DIR` needs them before it
// opens the engine, which carries on with running broadcasts at once.
#ifndef HERALD_TOOLS_RUN_FLAGS_H_
#define HERALD_TOOLS_RUN_FLAGS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace herald {

struct RunFlags {
  std::string campaign;
  std::vector<std::string> contacts;
  std::vector<std::string> dnc;
  bool dnc_skip_unreadable = false;
  std::string outbox = "outbox.jsonl";
  std::string report;
  std::string outcomes;
  std::string phone_column;
  int workers = 0;
  bool quiet = false;
  std::string limit = "10";  // render: texts to show
  std::string clock = "real";
  std::string start;      // virtual clock: when the run begins
  std::string deadline;   // nothing is sent from then on
  std::string tz_data;    // NPA-NXX zone data overriding the built-in table
  std::string providers;  // providers file
  std::string provider;   // the provider to send through; none: the outbox
  std::string run_id;     // idempotency key prefix; default from the inputs
  std::string state;      // the state directory; none: nothing is kept
  std::string synchronous = "normal";  // the store's commits: normal, full
  std::string webhook;                 // webhook file for Finished events
  // With --state, when an unfinished broadcast of the same contacts was
  // begun with another campaign (or run id): carry it on with this campaign,
  // or start a second one beside it. Neither: herald refuses.
  bool continue_broadcast = false;
  bool new_broadcast = false;
};

// A contacts file as it was when its broadcast began.
struct ContactsVersion {
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

// The command kept in a state directory.
struct StoredRun {
  RunFlags flags;                         // paths absolute
  std::vector<ContactsVersion> contacts;  // by flags.contacts
};

// Replaces each contacts path by the file's canonical path, so that
// `list.csv`, `./list.csv` and a link to it are one file (the default run id
// and the broadcast a state directory finds are the file's, not the
// spelling's). InvalidArgument naming the path for a file that cannot be
// opened, one that is not a regular file (a pipe cannot be read again for
// later windows and retries), and a file given twice.
absl::Status ResolveContacts(std::vector<std::string>* paths);

// Fails naming the file when a contacts file cannot be opened; else its
// size and modification time.
absl::StatusOr<ContactsVersion> StatContacts(const std::string& path);

// Writes `run` to run.flags.state/herald-run.json, every path made absolute
// so a resume may start from another directory (`quiet` and `limit` are
// left out: they are how a run is watched, not what it does).
absl::Status SaveRun(const StoredRun& run);

// The command kept in `state_dir`; nullopt when none is.
absl::StatusOr<std::optional<StoredRun>> LoadRun(const std::string& state_dir);

// Fails naming the first contacts file that is not as it was when the
// broadcast began: rows are found again by position, so a changed file
// would make herald skip or repeat recipients.
absl::Status CheckContactsUnchanged(const StoredRun& run);

}  // namespace herald

#endif  // HERALD_TOOLS_RUN_FLAGS_H_
