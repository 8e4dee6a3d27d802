// The broadcast's durable record: one SQLite database in WAL mode per
// broadcast, written by one thread that commits in groups, read by any
// number of readers (queries, stats, the webhook notifier) on connections of
// their own. docs/STORE.md describes the schema and how a run resumes.
//
// What is written, and when, is what makes resuming safe: a recipient's row
// is written only when its state is a fact (final, or CALLBACK after an
// answered attempt); a text handed to a provider and not yet answered has no
// row, so a resumed run sends it again with the same idempotency key, and
// the provider drops the repeat.
#ifndef HERALD_ENGINE_STORE_SQLITE_STORE_H_
#define HERALD_ENGINE_STORE_SQLITE_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/base/file_io.h"
#include "engine/pipeline/broadcast_run.h"
#include "engine/pipeline/outcome_log.h"
#include "engine/store/text_record.h"
#include "herald/clock.h"

namespace herald {

// The tables. Times are unix milliseconds; states and results are the API's
// names. A text's id is TextId(batch, recipient_id).
inline constexpr char kStoreSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS broadcast (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  run_id TEXT NOT NULL,       -- prefix of every idempotency key
  name TEXT NOT NULL,
  from_number TEXT NOT NULL,
  definition TEXT NOT NULL,   -- the broadcast JSON as given
  inputs TEXT NOT NULL,       -- JSON: what the run was started with
  status TEXT NOT NULL,       -- SETUP, START_PENDING, RUNNING, STOPPED,
                              -- FINISHED or ARCHIVED
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
  id INTEGER PRIMARY KEY,     -- 1-based, in the order the files were given
  path TEXT NOT NULL,
  file_size INTEGER NOT NULL, -- the file as it was when the broadcast began:
  file_mtime_ns INTEGER NOT NULL,  -- a resumed run refuses a changed file
  size INTEGER,               -- data rows; NULL until the file was read once
  created INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'ACTIVE',  -- NEW, VALIDATING, ACTIVE, ERRORS
  enabled INTEGER NOT NULL DEFAULT 1,
  scrub_duplicates INTEGER NOT NULL DEFAULT 0,
  error TEXT                  -- ERRORS: why
);
CREATE TABLE IF NOT EXISTS texts (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL,
  recipient_id INTEGER NOT NULL,
  line INTEGER NOT NULL,
  to_number INTEGER,          -- 11 digits; NULL when unreadable
  state TEXT NOT NULL,        -- final, or CALLBACK
  result TEXT,                -- finalTextResult
  attempts INTEGER NOT NULL,
  key_attempt INTEGER,        -- CALLBACK: the key the next attempt carries
  next_attempt INTEGER,       -- CALLBACK: when the next attempt is due
  message TEXT,
  segments INTEGER NOT NULL,
  zone TEXT,
  reason TEXT,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS attempts (
  text_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  finish_time INTEGER NOT NULL,
  result TEXT NOT NULL,
  provider_id TEXT,
  segments INTEGER NOT NULL,  -- billed: 0 unless SENT
  PRIMARY KEY (text_id, attempt)
) WITHOUT ROWID;
-- Finished events not yet delivered to the webhook, oldest first; written
-- only when the run has a webhook.
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY,
  text_id INTEGER NOT NULL,
  at INTEGER NOT NULL
);
-- Final delivery receipts: a row per part of an attempt (`part` the
-- provider's id of it, '' when it gave none), the first final word on it
-- (ApplyReceipt; a pending receipt writes nothing). A receipt may come
-- before its attempt is recorded, and waits here for it.
CREATE TABLE IF NOT EXISTS receipts (
  text_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  part TEXT NOT NULL,
  state TEXT NOT NULL,        -- DELIVERED, UNDELIVERED, EXPIRED, REJECTED
                              -- or UNKNOWN
  error TEXT,                 -- the provider's code, as written
  time INTEGER NOT NULL,      -- when it happened, as the receipt says
  received INTEGER NOT NULL,  -- when herald recorded it
  PRIMARY KEY (text_id, attempt, part)
) WITHOUT ROWID;
-- An attempt's state from its parts' receipts (CombineParts; a part with no
-- receipt yet is pending), written with each receipt.
CREATE TABLE IF NOT EXISTS deliveries (
  text_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  parts INTEGER NOT NULL,
  state TEXT NOT NULL,        -- receipts.state, or PARTIALLY_DELIVERED
  error TEXT,                 -- the first part's that was not delivered
  time INTEGER NOT NULL,      -- the latest part's
  PRIMARY KEY (text_id, attempt)
) WITHOUT ROWID;
-- What the account's webhooks are told (engine/api/webhook_calls.cc moves
-- the rows to account.db's outbox, then deletes them): a row per text that
-- becomes final while one wants them (text_id, status NULL), and one per
-- change of the broadcast's status (text_id 0, the new status). seq never
-- goes back, even when the table empties: the outbox remembers the last
-- one it took.
CREATE TABLE IF NOT EXISTS feed_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  text_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  status TEXT
);
)sql";

// The database of the broadcast whose state directory is `state_dir`.
std::string StorePath(const std::string& state_dir);

struct StoredBroadcast {
  std::string run_id;
  std::string name;
  std::string from_number;
  std::string definition;
  std::string inputs;
  std::string status;  // kStoreSchema's broadcast.status
  absl::Time created;
};

struct StoredBatch {
  uint32_t id = 0;
  std::string path;
  FileVersion version;
  std::optional<uint64_t> size;
  std::string name;
  std::string status = "ACTIVE";  // NEW, VALIDATING, ACTIVE or ERRORS
  bool enabled = true;
  bool scrub_duplicates = false;
  std::string error;  // ERRORS: why
  absl::Time created;
};

struct SqliteStoreOptions {
  // Open an existing store to read: nothing is created or written (a
  // damaged store stays as it is, and its error is reported), and every
  // write fails FailedPrecondition.
  bool read_only = false;
  // SQLite's synchronous=FULL: each commit is on the disk before the next
  // outcome is taken, so a power cut loses nothing recorded. The default,
  // NORMAL in WAL mode, can lose the commits since the last checkpoint to a
  // power cut (never to a crash of herald alone); their texts then go again
  // with their keys. docs/STORE.md, "Durability".
  bool synchronous_full = false;
  // The SQLite VFS to open the database with; empty: the default.
  std::string vfs;
  // Stamps the broadcast row's `modified`; null: the system clock. Must
  // outlive the store.
  Clock* clock = nullptr;
  // Append a row to `events` for each text that becomes final.
  bool record_events = false;
  // When set, and while it holds true (read once per commit), append a row
  // to `feed_events` for each text that becomes final. Must outlive the
  // store. (A change of the broadcast's status always has its row.)
  const std::atomic<bool>* feed_events = nullptr;
  // Called on the writer thread after each commit that wrote feed_events.
  std::function<void()> on_feed_events;
  // Called on the writer thread, after each commit, with the texts that
  // became final in it (and before a Flush() waiting for that commit
  // returns). Must not block for long: the writer waits.
  std::function<void(absl::Span<const TextRecord>)> on_finished;
  // Called on the writer thread when a writer that receipts alone started
  // ended for want of work (RecordReceipts): the store may want its query
  // indexes again, which that writer's start cancelled.
  std::function<void()> on_idle_parked;
  // When set, asked before each call of on_finished: false skips it, and
  // the records it would take (an attempts query per text) are not built.
  std::function<bool()> wants_finished;
};

class SqliteStore : public OutcomeSink {
 public:
  // Opens the database at `path`, creating it and its tables when missing.
  // Errors name the path.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      const std::string& path, SqliteStoreOptions options = {});
  ~SqliteStore() override;  // Finish()es if not done

  // Reading; call before the run starts writing.
  // The broadcast, or nullopt for a new database.
  absl::StatusOr<std::optional<StoredBroadcast>> ReadBroadcast();
  absl::StatusOr<std::vector<StoredBatch>> ReadBatches();
  absl::StatusOr<ResumePoint> ReadResumePoint(size_t batch_count);

  // Writes the broadcast and its batches (replacing what was there; a batch
  // size the run recorded stays when `batches` has none) and returns once
  // they are durable. The write is a transaction of its own that goes ahead
  // of the outcomes queued, so it waits for at most the commit under way,
  // never for the backlog behind it.
  absl::Status WriteBroadcast(const StoredBroadcast& broadcast,
                              absl::Span<const StoredBatch> batches);

  // Queued for the writer; durable after the next commit. Errors only when
  // the writer has failed (and from then on), also when `outcomes` is empty.
  absl::Status Record(absl::Span<const RowOutcome> outcomes) override;
  absl::Status RecordBatchSize(uint32_t batch, uint64_t rows) override;
  // Records delivery receipts and returns once they are durable (so a
  // provider is told it may forget them only then). A store nobody else
  // writes (a finished broadcast's) starts its writer for them, which parks
  // again after a few idle seconds. Errors as Record().
  absl::Status RecordReceipts(absl::Span<const DeliveryReceipt> receipts);

  // Returns once everything queued before the call is durable.
  absl::Status Flush() override;
  // Flush()es. The store takes writes until it is destroyed.
  absl::Status Finish() override;
  // Makes what is queued durable and ends the writer thread, so that a
  // store nobody writes holds no thread; the next write starts it again.
  // Errors as Flush().
  absl::Status ParkWriter();

  // Whether the store lacks the query indexes (query_indexes.h) and could
  // have them: it is writable, has texts and its writer is parked.
  bool WantsQueryIndexes() const;
  // Builds them on the caller's thread (seconds for millions of texts),
  // unless !WantsQueryIndexes(). A write that starts meanwhile, the store's
  // end or `cancel` stops the build, which then returns Cancelled and
  // leaves the store as it was; the next write drops them again.
  absl::Status BuildQueryIndexes(const std::atomic<bool>& cancel);

 private:
  class Writer;
  explicit SqliteStore(std::unique_ptr<Writer> writer);
  std::unique_ptr<Writer> writer_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_SQLITE_STORE_H_
