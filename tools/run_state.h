// The store side of `herald run --state DIR`: a new broadcast is recorded
// before anything is sent; a command that names a broadcast the store holds
// picks it up where it stopped.
#ifndef HERALD_TOOLS_RUN_STATE_H_
#define HERALD_TOOLS_RUN_STATE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/broadcast.h"
#include "engine/broadcast_run.h"
#include "engine/sqlite_store.h"
#include "tools/run_flags.h"

namespace herald {

struct RunState {
  std::unique_ptr<SqliteStore> store;
  // Set when the store already held this broadcast: what is settled.
  std::optional<ResumePoint> resume;
};

// Opens (creating) the store in flags.state. `flags.run_id` must be set.
// Fails, before anything is sent, when the store holds another broadcast
// (another run id), or when a contacts file differs from the one the
// broadcast began with: rows are found again by their position, so a
// changed file would make herald skip or repeat recipients.
absl::StatusOr<RunState> OpenRunState(const RunFlags& flags,
                                      const Broadcast& broadcast,
                                      SqliteStoreOptions options);

// The flags the broadcast in `state_dir` was started with.
absl::StatusOr<RunFlags> ReadStoredRunFlags(const std::string& state_dir);

}  // namespace herald

#endif  // HERALD_TOOLS_RUN_STATE_H_
