// The secondary indexes of a store's texts that the API's queries use
// (GET /v2/texts by state, number or time; stats over an interval). They
// halve the writer's speed (bench/store_bench: 348k outcomes/s without,
// 171k with), so a store has them only while nobody writes its texts:
// built once its writer is parked, dropped before it writes texts again
// (SqliteStore::BuildQueryIndexes).
#ifndef HERALD_ENGINE_STORE_QUERY_INDEXES_H_
#define HERALD_ENGINE_STORE_QUERY_INDEXES_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/base/sqlite.h"

namespace herald {

// Whether `db` has every one of them.
absl::StatusOr<bool> HasQueryIndexes(const SqliteDb& db);
// Whether `db` has a text (a store without any needs no index).
absl::StatusOr<bool> HasTexts(const SqliteDb& db);

// Drops them (those that exist) in a transaction of its own.
absl::Status DropQueryIndexes(const SqliteDb& db);

// Builds them in one transaction over a connection of its own to the
// database at `path` (through `vfs`; empty: the default), asking
// `cancelled` as it goes: once it says true the build stops, rolls back and
// returns Cancelled, so that a writer never waits behind it for long.
absl::Status BuildQueryIndexes(const std::string& path, const std::string& vfs,
                               const std::function<bool()>& cancelled);

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_QUERY_INDEXES_H_
