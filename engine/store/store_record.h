// Reading a store's record back: the broadcast, its batches and the resume
// point (which rows are settled, the counts they add up to, the CALLBACK
// rows and when they are due). Errors name the store's path.
#ifndef HERALD_ENGINE_STORE_STORE_RECORD_H_
#define HERALD_ENGINE_STORE_STORE_RECORD_H_

#include <cstddef>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/sqlite.h"
#include "engine/pipeline/broadcast_run.h"
#include "engine/store/sqlite_store.h"

namespace herald {

// The broadcast, or nullopt for a store that has none yet.
absl::StatusOr<std::optional<StoredBroadcast>> ReadStoredBroadcast(
    const SqliteDb& db);
// Its batches, by id.
absl::StatusOr<std::vector<StoredBatch>> ReadStoredBatches(const SqliteDb& db);
// Where a run of its `batch_count` batches picks up. DataLoss for a text
// row outside them.
absl::StatusOr<ResumePoint> ReadStoredResumePoint(const SqliteDb& db,
                                                  size_t batch_count);

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_STORE_RECORD_H_
