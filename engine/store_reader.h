// Reading the broadcast's store (engine/sqlite_store.h) while it is written:
// texts by id, filtered pages of texts, and the statistics that `herald
// texts`, `herald stats` and the webhook notifier show. docs/STORE.md
// describes the semantics.
#ifndef HERALD_ENGINE_STORE_READER_H_
#define HERALD_ENGINE_STORE_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/phone_number.h"
#include "engine/recipient_state.h"
#include "engine/text_record.h"
#include "nlohmann/json.hpp"

struct sqlite3;

namespace herald {

inline constexpr int kDefaultTextPageLimit = 100;
inline constexpr int kMaxTextPageLimit = 1000;

// Which texts FindTexts returns. Empty lists and unset fields match all.
struct TextQuery {
  std::vector<RecipientState> states;  // any of these
  std::vector<TextResult> results;     // finalTextResult, any of these
  std::optional<uint32_t> batch;
  std::optional<PhoneNumber> to;
  // Every text carries the broadcast's fromNumber, so this matches all texts
  // or none. Equal strings match, and so do two spellings of one NANP number.
  std::optional<std::string> from;
  absl::Time since = absl::InfinitePast();    // modified at or after
  absl::Time until = absl::InfiniteFuture();  // modified before
  uint64_t offset = 0;                        // matching texts skipped
  int limit = kDefaultTextPageLimit;          // 0 to kMaxTextPageLimit
};

// One page of the texts a query matches, by id.
struct TextPage {
  std::vector<TextRecord> items;
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;  // matching texts, whatever the offset and limit
};

// Recipients by what became of them. Named as in the API (kCountFields).
struct StoreCounts {
  // Whole broadcast, whatever the range: the rows of the batches (a batch
  // not read to its end yet counts its texts rows), and those of them not
  // in a final state yet.
  uint64_t total = 0;
  uint64_t total_outbound = 0;  // one text per recipient: `total`
  uint64_t remaining_outbound = 0;
  // Texts modified in the range, by state and result.
  uint64_t sent = 0;      // FINISHED with SENT
  uint64_t unsent = 0;    // final, and not sent
  uint64_t dnc = 0;       // DNC
  uint64_t dup = 0;       // DUP
  uint64_t invalid = 0;   // INVALID
  uint64_t too_big = 0;   // result TOO_BIG, whatever the state
  uint64_t errors = 0;    // FINISHED, and not SENT, TOO_BIG or DNT
  uint64_t timeout = 0;   // TIMEOUT
  uint64_t callback = 0;  // CALLBACK: waiting for a retry
  uint64_t skipped = 0;   // SKIPPED
  uint64_t segments = 0;  // billed, of the attempts finished in the range
};

// A count's API name. `whole_broadcast`: the count ignores the range and
// has no meaning per zone.
struct CountField {
  const char* name;
  uint64_t StoreCounts::*count;
  bool whole_broadcast;
};
inline constexpr CountField kCountFields[] = {
    {"totalCount", &StoreCounts::total, true},
    {"totalOutboundCount", &StoreCounts::total_outbound, true},
    {"remainingOutboundCount", &StoreCounts::remaining_outbound, true},
    {"sentCount", &StoreCounts::sent, false},
    {"unsentCount", &StoreCounts::unsent, false},
    {"segmentCount", &StoreCounts::segments, false},
    {"doNotTextCount", &StoreCounts::dnc, false},
    {"dupCount", &StoreCounts::dup, false},
    {"invalidCount", &StoreCounts::invalid, false},
    {"tooBigCount", &StoreCounts::too_big, false},
    {"errorCount", &StoreCounts::errors, false},
    {"timeoutCount", &StoreCounts::timeout, false},
    {"callbackCount", &StoreCounts::callback, false},
    {"skippedCount", &StoreCounts::skipped, false},
};

struct StoreStats {
  struct Batch {
    uint32_t id = 0;
    std::string path;
    std::optional<uint64_t> size;  // nullopt until the file was read once
    StoreCounts counts;
  };
  absl::Time begin = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  StoreCounts counts;
  std::vector<Batch> batches;  // by id
  // By zone ("unknown" for texts without one); whole-broadcast counts 0.
  std::map<std::string, StoreCounts> zones;
  std::map<std::string, uint64_t> results;  // texts by finalTextResult name
};

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

 private:
  StoreReader(std::string path, sqlite3* db);

  std::string path_;
  sqlite3* db_;
  std::string run_id_;
  std::string from_number_;
};

// {"totalCount": ..., the other counts, "begin", "end" (unix ms, when
// bounded), "batches": [{"id", "file", "size" (null until known), counts}],
// "zones": {"America/New_York": {range counts}}, "results": {"SENT": n}}.
nlohmann::json StatsJson(const StoreStats& stats);

// {"items": [TextJson...], "offset", "limit", "totalCount"}.
nlohmann::json TextPageJson(const TextPage& page,
                            const std::string& campaign_id);

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_READER_H_
