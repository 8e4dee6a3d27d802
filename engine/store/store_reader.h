// Reading the broadcast's store (engine/sqlite_store.h) while it is written:
// texts by id, filtered pages of texts, and the statistics that `herald
// texts`, `herald stats` and the webhook notifier show. docs/STORE.md
// describes the semantics.
#ifndef HERALD_ENGINE_STORE_STORE_READER_H_
#define HERALD_ENGINE_STORE_STORE_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/ingest/phone_number.h"
#include "engine/store/text_record.h"
#include "herald/texts.h"
#include "nlohmann/json.hpp"

struct sqlite3;

namespace herald {

// A read-only connection to a store. Reads are snapshots: each call sees the
// store as one committed state, never waits for the writer (WAL), and waits
// at most 5 s for a checkpoint. Not thread-safe; use one reader per thread.
class StoreReader {
 public:
  // Opens the store at `db_path`. NotFound when there is none; errors name
  // the path.
  static absl::StatusOr<std::unique_ptr<StoreReader>> Open(
      const std::string& db_path);
  ~StoreReader();
  StoreReader(const StoreReader&) = delete;
  StoreReader& operator=(const StoreReader&) = delete;

  // The broadcast's run id (the texts' campaignId) and fromNumber.
  const std::string& run_id() const { return run_id_; }
  const std::string& from_number() const { return from_number_; }

  // The texts with these ids, attempts included, in the order of `ids`;
  // ids without a text (not final yet, or unknown) are left out. Two
  // queries, whatever the number of ids.
  absl::StatusOr<std::vector<TextRecord>> ReadTexts(
      absl::Span<const uint64_t> ids);

  // The page of texts `query` asks for, attempts included. InvalidArgument
  // for a limit outside 0 to kMaxTextPageLimit; limit 0 counts only.
  absl::StatusOr<TextPage> FindTexts(const TextQuery& query);

  // Statistics of the texts modified, and the attempts finished, in
  // [begin, end); the infinite times take the whole broadcast.
  absl::StatusOr<StoreStats> Stats(absl::Time begin = absl::InfinitePast(),
                                   absl::Time end = absl::InfiniteFuture());

  // When the broadcast last sent a text to `to` (its row's `modified`, a
  // FINISHED text with SENT), or nullopt when it sent none. An index
  // lookup once the store has its query indexes, a scan of the texts
  // before.
  absl::StatusOr<std::optional<absl::Time>> LastSentTo(PhoneNumber to);

  // Finished events the webhook has not acknowledged yet.
  absl::StatusOr<uint64_t> PendingEvents();

 private:
  StoreReader(std::string path, sqlite3* db);

  // The count of FindTexts' `where` with `params`, from the cache while
  // the snapshot is of the database the count was taken from; in the
  // caller's snapshot.
  absl::StatusOr<uint64_t> CountMatches(
      const std::string& where,
      const std::vector<std::variant<int64_t, std::string>>& params);

  std::string path_;
  sqlite3* db_;
  std::string run_id_;
  std::string from_number_;
  // The store has receipts' tables (a writer of this herald opened it).
  bool has_deliveries_ = false;
  // Counts of the filters asked so far, good while no other connection has
  // committed (PRAGMA data_version is counts_version_): a done broadcast
  // answers its pages without counting millions of rows for each. Bounded:
  // emptied when full.
  int64_t counts_version_ = -1;
  std::map<std::string, uint64_t> counts_;
};

// {"totalCount": ..., the other counts, "begin", "end" (unix ms, when
// bounded), "batches": [{"id", "file", "size" (null until known), counts}],
// "zones": {"America/New_York": {range counts}}, "results": {"SENT": n}}.
nlohmann::json StatsJson(const StoreStats& stats);

// {"items": [TextJson...], "offset", "limit", "totalCount"}.
nlohmann::json TextPageJson(const TextPage& page,
                            const std::string& campaign_id);

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_STORE_READER_H_
