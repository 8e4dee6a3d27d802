// The rows one transaction of a store's writer writes (sqlite_store.h): a
// text's outcome with its attempt and events, the broadcast and its
// batches, a batch's size; and a text's attempts read back for the texts it
// announces. The statements are prepared once, on the writer's connection.
#ifndef HERALD_ENGINE_STORE_STORE_ROWS_H_
#define HERALD_ENGINE_STORE_STORE_ROWS_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "engine/base/sqlite.h"
#include "engine/pipeline/outcome_log.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/text_record.h"

namespace herald {

// Not thread-safe: the writer's thread only, inside its transaction.
class StoreRows {
 public:
  // Which event tables a final outcome adds a row to.
  struct Events {
    bool webhook = false;  // `events`, the webhook file's
    bool feed = false;     // `feed_events`, the account webhooks'
  };

  // Prepares the statements on `db`, which must have kStoreSchema's tables
  // and outlive this.
  absl::Status Prepare(const SqliteDb& db);

  // Upserts the text of `o`, its attempt when answered, and its events when
  // it is final.
  absl::Status WriteOutcome(const RowOutcome& o, Events events);
  // Replaces the broadcast row (modified at `now`) and upserts `batches`,
  // keeping a recorded size where a batch has none. A status other than
  // the one recorded before (or the first) adds a `feed_events` row.
  absl::Status WriteBroadcast(const StoredBroadcast& b,
                              const std::vector<StoredBatch>& batches,
                              absl::Time now);
  absl::Status WriteBatchSize(uint32_t batch, uint64_t rows);
  // Records a final `r` as its part's state unless the part has one (the
  // first final word stands) and writes its attempt's combined state; `now`
  // is when it was received. A pending `r` changes nothing.
  absl::Status WriteReceipt(const DeliveryReceipt& r, absl::Time now);
  // Appends the attempts the store holds for text->id to text->records.
  void ReadAttempts(TextRecord* text);
  // Whether a `feed_events` row was written since the last call.
  bool TakeWroteFeed() { return std::exchange(wrote_feed_, false); }

 private:
  SqliteDb db_;
  SqliteStatement upsert_text_;
  SqliteStatement insert_attempt_;
  SqliteStatement insert_event_;
  SqliteStatement insert_feed_event_;
  SqliteStatement select_attempts_;
  SqliteStatement update_batch_size_;
  SqliteStatement select_status_;
  SqliteStatement insert_feed_status_;
  SqliteStatement insert_part_;
  SqliteStatement select_parts_;
  SqliteStatement upsert_delivery_;
  bool wrote_feed_ = false;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_STORE_ROWS_H_
