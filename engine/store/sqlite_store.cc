#include "engine/store/sqlite_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/sqlite.h"
#include "engine/store/query_indexes.h"
#include "engine/store/store_record.h"
#include "engine/store/store_rows.h"

namespace herald {
namespace {

// Outcomes queued beyond this make Record() wait for the writer, so a store
// slower than the providers bounds memory instead of growing without end,
// and bounds how far the texts handed over run ahead of what is recorded:
// when a write fails (a full disk), at most this many outcomes plus the
// transport's texts in flight were sent unrecorded, and go again on resume
// with their keys. One commit takes everything queued, so commits still
// group by tens of thousands.
constexpr size_t kMaxQueuedOutcomes = 1 << 16;

// The writer's pages stay in memory (64 MiB) and the WAL is folded into the
// database every 160 MiB or so rather than every 16: each checkpoint rewrites
// the B-trees' upper pages, so fewer of them is less writing for the same
// rows. (Pages of 16 KiB, set before the database exists, hold a run's long
// rows with less overhead than 4 KiB ones: 360k outcomes/s against 300k in
// bench/store_bench.)
const char kTuning[] =
    "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000";

// A writer started by receipts alone (for a broadcast that no longer runs)
// ends after this long without work, so a done broadcast holds no thread
// for long, and a stream of receipts does not start one per request.
constexpr absl::Duration kReceiptWriterIdle = absl::Seconds(5);

}  // namespace

std::string StorePath(const std::string& state_dir) {
  return absl::StrCat(state_dir, "/broadcast.db");
}

// Owns the connection. Callers queue writes; the writer thread applies
// everything queued in one transaction, so commits group themselves: the
// longer a commit takes, the more the next one carries.
class SqliteStore::Writer {
 public:
  Writer(std::string path, sqlite3* db, SqliteStoreOptions options)
      : path_(std::move(path)),
        db_(db),
        options_(std::move(options)),
        clock_(options_.clock != nullptr ? options_.clock : RealClock()) {}

  ~Writer() {
    Stop();
    sqlite3_close_v2(db_);
  }

  absl::Status Init() {
    if (options_.read_only) {
      if (absl::Status s = Exec("PRAGMA busy_timeout=5000"); !s.ok()) return s;
      status_ = absl::FailedPreconditionError(
          absl::StrCat(path_, ": opened to read only"));
      return absl::OkStatus();
    }
    for (const char* sql :
         {"PRAGMA page_size=16384", "PRAGMA journal_mode=WAL",
          options_.synchronous_full ? "PRAGMA synchronous=FULL"
                                    : "PRAGMA synchronous=NORMAL",
          "PRAGMA busy_timeout=5000", kTuning, kStoreSchema}) {
      if (absl::Status s = Exec(sql); !s.ok()) return s;
    }
    if (absl::Status s = rows_.Prepare(db()); !s.ok()) return s;
    absl::StatusOr<bool> indexed = HasQueryIndexes(db());
    if (!indexed.ok()) return indexed.status();
    absl::StatusOr<bool> has_texts = HasTexts(db());
    if (!has_texts.ok()) return has_texts.status();
    indexed_ = *indexed;
    has_texts_ = *has_texts;
    return absl::OkStatus();
  }

  bool WantsQueryIndexes() const {
    std::lock_guard lock(mu_);
    return !options_.read_only && status_.ok() && !stopping_ && has_texts_ &&
           !indexed_ && !writer_running_;
  }

  // On the caller's thread; the writer, when it starts, stops the build and
  // waits for it to end (CancelBuild), so the two never contend for the
  // database's write lock.
  absl::Status BuildIndexes(const std::atomic<bool>& cancel) {
    {
      std::lock_guard lock(mu_);
      if (options_.read_only || !status_.ok() || stopping_ || !has_texts_ ||
          indexed_ || writer_running_ || building_) {
        return absl::OkStatus();
      }
      building_ = true;
      cancel_build_ = false;
    }
    absl::Status s = herald::BuildQueryIndexes(path_, options_.vfs, [&] {
      return cancel_build_.load() || cancel.load();
    });
    std::lock_guard lock(mu_);
    building_ = false;
    if (s.ok()) indexed_ = true;
    // Under mu_: a waiter that sees building_ false may destroy the store.
    build_done_.notify_all();
    return s;
  }

  // Errors name the store's path.
  SqliteDb db() const { return {db_, &path_}; }

  absl::Status Exec(const char* sql) const { return db().Exec(sql); }

  void set_from_number(std::string from) { from_number_ = std::move(from); }

  // The first failure of a write, or OK.
  absl::Status status() const {
    std::lock_guard lock(mu_);
    return status_;
  }

  absl::Status Queue(absl::Span<const RowOutcome> outcomes) {
    std::unique_lock lock(mu_);
    space_.wait(lock, [&] {
      return queue_.outcomes.size() < kMaxQueuedOutcomes || !status_.ok();
    });
    if (!status_.ok()) return status_;
    if (stopping_) return Stopped();
    for (const RowOutcome& o : outcomes) {
      Queued& q = queue_.outcomes.emplace_back();
      q.outcome = o;
      std::string& text = queue_.text;
      q.text_begin = text.size();
      for (absl::string_view part :
           {o.reason, o.provider_id, o.message, o.zone}) {
        text.append(part.data(), part.size());
      }
    }
    return Wake(&lock);
  }

  absl::Status QueueBatchSize(uint32_t batch, uint64_t rows) {
    std::unique_lock lock(mu_);
    if (stopping_) return Stopped();
    queue_.batch_sizes.emplace_back(batch, rows);
    return Wake(&lock);
  }

  // Queues `receipts` and waits until they are committed.
  absl::Status WriteReceipts(absl::Span<const DeliveryReceipt> receipts) {
    std::unique_lock lock(mu_);
    if (!status_.ok()) return status_;
    // The engine closing: the provider should call again (a 503), not
    // drop the receipt.
    if (stopping_) return absl::UnavailableError(Stopped().message());
    queue_.receipts.insert(queue_.receipts.end(), receipts.begin(),
                           receipts.end());
    const uint64_t target = ++queued_;
    queue_.sequence = target;
    StartWriter();
    lock.unlock();
    work_.notify_one();
    lock.lock();
    committed_cv_.wait(lock,
                       [&] { return committed_ >= target || !status_.ok(); });
    return committed_ >= target ? absl::OkStatus() : status_;
  }

  // Writes the broadcast and its batches in a transaction of their own,
  // ahead of the outcomes queued, and returns once it is durable: a status
  // change does not wait behind a backlog of outcomes. A write queued while
  // an earlier one waits replaces it.
  absl::Status WriteBroadcast(StoredBroadcast broadcast,
                              std::vector<StoredBatch> batches) {
    std::unique_lock lock(mu_);
    if (!status_.ok()) return status_;
    if (stopping_) return Stopped();
    broadcast_ = {std::move(broadcast), std::move(batches)};
    const uint64_t target = ++broadcasts_queued_;
    StartWriter();
    idle_park_ = false;
    lock.unlock();
    work_.notify_one();
    lock.lock();
    committed_cv_.wait(
        lock, [&] { return broadcasts_committed_ >= target || !status_.ok(); });
    // A later write may have failed after this one was committed.
    return broadcasts_committed_ >= target ? absl::OkStatus() : status_;
  }

  absl::Status Flush() {
    std::unique_lock lock(mu_);
    const uint64_t target = queued_;
    const uint64_t broadcasts = broadcasts_queued_;
    committed_cv_.wait(lock, [&] {
      return (committed_ >= target && broadcasts_committed_ >= broadcasts) ||
             !status_.ok();
    });
    return status_;
  }

  // Applies what is queued and ends the writer thread until the next write.
  // Parks of several threads may overlap; a writer started by a write
  // after the park began is that write's, and is left running.
  absl::Status Park() {
    std::unique_lock lock(mu_);
    ++parkers_;
    work_.notify_one();
    const uint64_t starts = writer_starts_;
    committed_cv_.wait(
        lock, [&] { return !writer_running_ || writer_starts_ != starts; });
    --parkers_;
    // Past its last use of mu_: joining it under mu_ cannot wait on us.
    if (!writer_running_ && thread_.joinable()) thread_.join();
    return status_;
  }

  // Applies what is queued and ends the writer thread.
  void Stop() {
    {
      // In one critical section: no build starts once this one is over.
      std::unique_lock lock(mu_);
      stopping_ = true;
      cancel_build_ = true;
      build_done_.wait(lock, [&] { return !building_; });
    }
    work_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Queued {
    RowOutcome outcome;  // its views are rebuilt from `text` when written
    size_t text_begin = 0;
  };
  using BroadcastRows = std::pair<StoredBroadcast, std::vector<StoredBatch>>;
  struct Writes {
    std::vector<Queued> outcomes;
    std::string text;  // the outcomes' reasons, ids, messages and zones
    std::vector<std::pair<uint32_t, uint64_t>> batch_sizes;
    std::vector<DeliveryReceipt> receipts;
    std::optional<BroadcastRows> broadcast;  // alone in its Writes
    uint64_t sequence = 0;                   // of the last write it holds

    bool empty() const {
      return outcomes.empty() && batch_sizes.empty() && receipts.empty() &&
             !broadcast.has_value();
    }
  };

  // With mu_ held by `lock`: numbers what was just queued (not receipts)
  // and wakes the writer.
  absl::Status Wake(std::unique_lock<std::mutex>* lock) {
    queue_.sequence = ++queued_;
    StartWriter();
    idle_park_ = false;
    const absl::Status status = status_;
    lock->unlock();
    work_.notify_one();
    return status;
  }

  absl::Status Stopped() const {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": the store is closing"));
  }

  // With mu_ held: the writer thread starts with the first write, so a
  // store only read (a finished or archived broadcast) has none.
  void StartWriter() {
    if (writer_running_ || stopping_ || !status_.ok()) return;
    // A parked writer is past its last use of mu_.
    if (thread_.joinable()) thread_.join();
    try {
      thread_ = std::thread([this] { Loop(); });
    } catch (const std::system_error& e) {
      // Out of threads: the writes queued wait for no writer, they fail.
      status_ = absl::ResourceExhaustedError(absl::StrCat(
          path_, ": cannot start the store's writer thread: ", e.what()));
      committed_cv_.notify_all();
      space_.notify_all();
      return;
    }
    writer_running_ = true;  // before the thread can take mu_
    ++writer_starts_;
    idle_park_ = true;  // until a write other than receipts comes
  }

  // Stops a build of the query indexes under way and waits for it to end.
  void CancelBuild() {
    std::unique_lock lock(mu_);
    cancel_build_ = true;
    build_done_.wait(lock, [&] { return !building_; });
  }

  // Before the first texts a writer thread writes: the query indexes go
  // (they would halve its speed), to be built again once it is parked.
  absl::Status ReadyForTexts() {
    {
      std::lock_guard lock(mu_);
      has_texts_ = true;
      if (!indexed_) return absl::OkStatus();
    }
    absl::Status s = DropQueryIndexes(db());
    std::lock_guard lock(mu_);
    if (s.ok()) indexed_ = false;
    return s;
  }

  void Loop() {
    // A build holds the write lock; the writer never waits behind it.
    CancelBuild();
    bool ready_for_texts = false;
    bool idled_out = false;
    Writes writes;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        const auto has_work = [&] {
          return !queue_.empty() || broadcast_.has_value() || stopping_ ||
                 parkers_ > 0;
        };
        if (!idle_park_) {
          work_.wait(lock, has_work);
        } else if (!work_.wait_for(
                       lock, absl::ToChronoMilliseconds(kReceiptWriterIdle),
                       has_work)) {
          writer_running_ = false;
          idled_out = true;
          break;
        }
        if (broadcast_.has_value()) {
          writes.broadcast = std::move(broadcast_);
          broadcast_.reset();
          writes.sequence = broadcasts_queued_;
        } else if (queue_.empty()) {
          writer_running_ = false;
          break;
        } else {
          std::swap(writes, queue_);
        }
      }
      const bool broadcast = writes.broadcast.has_value();
      if (!broadcast) space_.notify_all();
      absl::Status s;
      if (!writes.outcomes.empty() && !ready_for_texts) {
        s = ReadyForTexts();
        ready_for_texts = s.ok();
      }
      if (s.ok()) s = Apply(writes);
      if (rows_.TakeWroteFeed() && s.ok() && options_.on_feed_events) {
        options_.on_feed_events();
      }
      // Announced before Flush() returns, so a caller that flushed has seen
      // every event of what it recorded.
      if (s.ok() && !broadcast && options_.on_finished &&
          (!options_.wants_finished || options_.wants_finished())) {
        Announce(writes);
      }
      {
        std::lock_guard lock(mu_);
        if (!s.ok() && status_.ok()) status_ = s;
        if (s.ok()) {
          (broadcast ? broadcasts_committed_ : committed_) = writes.sequence;
        } else {
          writer_running_ = false;
        }
      }
      committed_cv_.notify_all();
      space_.notify_all();
      if (!s.ok()) return;
      writes.outcomes.clear();
      writes.text.clear();
      writes.batch_sizes.clear();
      writes.receipts.clear();
      writes.broadcast.reset();
    }
    committed_cv_.notify_all();  // a Park() waits for the loop to end
    if (idled_out && options_.on_idle_parked) options_.on_idle_parked();
  }

  absl::Status Apply(Writes& writes) {
    if (absl::Status s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    absl::Status s = ApplyInTransaction(writes);
    if (s.ok()) return Exec("COMMIT");
    Exec("ROLLBACK").IgnoreError();
    return s;
  }

  absl::Status ApplyInTransaction(Writes& writes) {
    const StoreRows::Events events{
        options_.record_events,
        options_.feed_events != nullptr && options_.feed_events->load()};
    if (writes.broadcast.has_value()) {
      if (absl::Status s = rows_.WriteBroadcast(
              writes.broadcast->first, writes.broadcast->second, clock_->Now());
          !s.ok()) {
        return s;
      }
      from_number_ = writes.broadcast->first.from_number;
    }
    for (const auto& [batch, rows] : writes.batch_sizes) {
      if (absl::Status s = rows_.WriteBatchSize(batch, rows); !s.ok()) {
        return s;
      }
    }
    for (Queued& q : writes.outcomes) {
      RestoreViews(writes.text, &q);
      if (absl::Status s = rows_.WriteOutcome(q.outcome, events); !s.ok()) {
        return s;
      }
    }
    const absl::Time now = clock_->Now();
    for (const DeliveryReceipt& receipt : writes.receipts) {
      if (absl::Status s = rows_.WriteReceipt(receipt, now); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }

  static void RestoreViews(const std::string& text, Queued* q) {
    RowOutcome& o = q->outcome;
    size_t at = q->text_begin;
    for (absl::string_view* part :
         {&o.reason, &o.provider_id, &o.message, &o.zone}) {
      *part = absl::string_view(text).substr(at, part->size());
      at += part->size();
    }
  }

  // Tells the owner which texts became final in the commit just made.
  void Announce(const Writes& writes) {
    std::vector<TextRecord> finished;
    for (const Queued& q : writes.outcomes) {
      const RowOutcome& o = q.outcome;
      if (!IsFinal(o.state)) continue;
      TextRecord& text = finished.emplace_back();
      text.id = TextId(o.batch, o.recipient_id);
      text.batch_id = o.batch;
      text.recipient_id = o.recipient_id;
      text.line = o.line;
      text.to = o.to;
      text.from = from_number_;
      text.state = o.state;
      text.result = o.result;
      text.message = std::string(o.message);
      text.segments = o.segments;
      text.zone = std::string(o.zone);
      text.reason = std::string(o.reason);
      text.attempts = o.attempt;
      text.modified = o.at;
      text.created = o.at;
      rows_.ReadAttempts(&text);
    }
    if (!finished.empty()) options_.on_finished(finished);
  }

  const std::string path_;
  sqlite3* const db_;
  const SqliteStoreOptions options_;
  Clock* const clock_;
  StoreRows rows_;
  // The broadcast's, for announced texts: set before the writer starts
  // work, or by the writer itself.
  std::string from_number_;
  std::thread thread_;  // from the first write after a start or a park (mu_)

  mutable std::mutex mu_;
  std::condition_variable work_;            // the writer waits for writes
  std::condition_variable space_;           // Queue waits for room
  std::condition_variable committed_cv_;    // Flush waits for a commit
  Writes queue_;                            // outcomes and batch sizes
  uint64_t queued_ = 0;                     // writes queued so far
  uint64_t committed_ = 0;                  // of them durable
  std::optional<BroadcastRows> broadcast_;  // the newest not yet taken
  uint64_t broadcasts_queued_ = 0;
  uint64_t broadcasts_committed_ = 0;
  bool stopping_ = false;
  // The query indexes: whether the database has them, whether it has texts
  // to index, and a build under way (BuildIndexes), which cancel_build_
  // stops.
  bool indexed_ = false;
  bool has_texts_ = false;
  bool building_ = false;
  std::atomic<bool> cancel_build_{false};
  std::condition_variable build_done_;
  int parkers_ = 0;              // Park() calls waiting for the writer to end
  bool writer_running_ = false;  // thread_ runs Loop() and has not left it
  // The writer runs for receipts only, and ends when idle (kReceiptWriterIdle).
  bool idle_park_ = false;
  uint64_t writer_starts_ = 0;  // writer threads started so far
  absl::Status status_;         // the first failure; then every call fails
};

SqliteStore::SqliteStore(std::unique_ptr<Writer> writer)
    : writer_(std::move(writer)) {}

SqliteStore::~SqliteStore() = default;

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const std::string& path, SqliteStoreOptions options) {
  // SQLite takes an empty file for a new database; a store that exists and
  // is empty was truncated, and starting it afresh would forget every text
  // it had recorded (and send them all again).
  struct stat info;
  if (::stat(path.c_str(), &info) == 0 && info.st_size == 0) {
    return absl::DataLossError(absl::StrCat(
        path,
        ": the store is an empty file (truncated?); herald will not start it "
        "afresh. Restore it from a backup, or move its broadcast folder "
        "away to forget the broadcast"));
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      options.read_only
          ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    absl::Status s = absl::UnavailableError(
        absl::StrCat(path, ": cannot open the store: ",
                     db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return s;
  }
  if (!options.read_only) {
    // Numbers and messages: the owner's only. The WAL and its index take
    // the database's mode when SQLite creates them.
    ::chmod(path.c_str(), 0600);
  }
  auto writer = std::make_unique<Writer>(path, db, std::move(options));
  if (absl::Status s = writer->Init(); !s.ok()) return s;
  auto store = std::unique_ptr<SqliteStore>(new SqliteStore(std::move(writer)));
  absl::StatusOr<std::optional<StoredBroadcast>> broadcast =
      store->ReadBroadcast();
  if (!broadcast.ok()) return broadcast.status();
  if (broadcast->has_value()) {
    store->writer_->set_from_number((*broadcast)->from_number);
  }
  return store;
}

absl::StatusOr<std::optional<StoredBroadcast>> SqliteStore::ReadBroadcast() {
  return ReadStoredBroadcast(writer_->db());
}

absl::StatusOr<std::vector<StoredBatch>> SqliteStore::ReadBatches() {
  return ReadStoredBatches(writer_->db());
}

absl::StatusOr<ResumePoint> SqliteStore::ReadResumePoint(size_t batch_count) {
  return ReadStoredResumePoint(writer_->db(), batch_count);
}

absl::Status SqliteStore::WriteBroadcast(
    const StoredBroadcast& broadcast, absl::Span<const StoredBatch> batches) {
  return writer_->WriteBroadcast(
      broadcast, std::vector<StoredBatch>(batches.begin(), batches.end()));
}

absl::Status SqliteStore::Record(absl::Span<const RowOutcome> outcomes) {
  // Asked with nothing to record, it still says whether writes fail: the
  // run asks before it hands texts over.
  if (outcomes.empty()) return writer_->status();
  return writer_->Queue(outcomes);
}

absl::Status SqliteStore::RecordBatchSize(uint32_t batch, uint64_t rows) {
  return writer_->QueueBatchSize(batch, rows);
}

absl::Status SqliteStore::RecordReceipts(
    absl::Span<const DeliveryReceipt> receipts) {
  if (receipts.empty()) return writer_->status();
  return writer_->WriteReceipts(receipts);
}

absl::Status SqliteStore::Flush() { return writer_->Flush(); }

absl::Status SqliteStore::Finish() { return writer_->Flush(); }

absl::Status SqliteStore::ParkWriter() { return writer_->Park(); }

bool SqliteStore::WantsQueryIndexes() const {
  return writer_->WantsQueryIndexes();
}

absl::Status SqliteStore::BuildQueryIndexes(const std::atomic<bool>& cancel) {
  return writer_->BuildIndexes(cancel);
}

}  // namespace herald
