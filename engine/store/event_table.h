// A store's table of events (sqlite_store.h: `events` for the webhook
// file, `feed_events` for the account's webhooks) seen by its one consumer,
// on a connection of its own: the oldest events first, and those consumed
// deleted. Consumed events whose delete failed (the writer held the lock too
// long) are remembered and skipped until a later delete succeeds.
//
// seq order is the order of writing. `events.seq` is an INTEGER PRIMARY KEY
// without AUTOINCREMENT, so an emptied table starts again from 1, and a seq
// is never remembered beyond the rows that still hold it; `feed_events.seq`
// never goes back, so its consumer may keep the last one it took.
#ifndef HERALD_ENGINE_STORE_EVENT_TABLE_H_
#define HERALD_ENGINE_STORE_EVENT_TABLE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/base/sqlite.h"

namespace herald {

struct StoreEvent {
  int64_t seq = 0;
  uint64_t text_id = 0;  // the text that became final; 0: a status change
  int64_t at_ms = 0;     // when
  std::string status;    // feed_events: the broadcast's new status
};

// Not thread-safe; used by one thread at a time. Not movable: its
// statements name its path.
class EventTable {
 public:
  enum class Table { kEvents, kFeedEvents };

  // Opens `table` of the store at `path`. Unavailable, naming the path,
  // when it cannot.
  static absl::StatusOr<std::unique_ptr<EventTable>> Open(
      const std::string& path, Table table);
  ~EventTable();
  EventTable(const EventTable&) = delete;
  EventTable& operator=(const EventTable&) = delete;

  // Replaces `*out` with the `limit` oldest events not yet consumed.
  absl::Status ReadOldest(int limit, std::vector<StoreEvent>* out);
  // Deletes the events up to `seq`, which were consumed. When the delete
  // fails they are skipped from now on and deleted later.
  absl::Status Consumed(int64_t seq);
  // The events not yet consumed.
  absl::StatusOr<uint64_t> CountLeft();

 private:
  EventTable(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  SqliteDb db() const { return {db_, &path_}; }
  absl::Status RetryDelete();
  absl::Status Error(absl::string_view what) const;

  const std::string path_;
  sqlite3* const db_;
  SqliteStatement read_;
  SqliteStatement delete_;
  SqliteStatement count_;
  // Consumed events not yet deleted are those up to here; the rows keep
  // their seq, so new rows come after it.
  std::optional<int64_t> consumed_through_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_EVENT_TABLE_H_
