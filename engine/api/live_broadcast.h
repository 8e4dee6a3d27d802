// A broadcast the engine holds: its definition, batches and status in
// memory, the store they are written to, and the runner thread that sends
// it; and the writes of that record to its store (engine/api/engine.cc
// drives it).
//
// Locks, outermost first. None is engine-wide, and none that a reader of
// the broadcast takes is held while anything waits for the disk:
//  - add_mu: one AddBatch at a time; held while the batch is validated
//    (which reads its whole file), so never by anything else.
//  - control_mu: one change of the broadcast at a time (Start, Stop,
//    Archive, UpdateDefinition, SetBatchEnabled, AddBatch's writes), held
//    across the change's store write and Stop's wait for the runner: a
//    caller may wait behind another change of the same broadcast, never
//    behind anything else. The runner never takes it.
//  - store_mu: orders the store's reads and the writes of the broadcast
//    row. Persist() takes the snapshot it writes after taking it, so the
//    last write holds the newest state.
//  - mu: the fields marked (mu). Held briefly, never across a write.
//  - counts_mu, progress_mu: leaves.
#ifndef HERALD_ENGINE_API_LIVE_BROADCAST_H_
#define HERALD_ENGINE_API_LIVE_BROADCAST_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/api/event_bus.h"
#include "engine/api/index_builder.h"
#include "engine/base/file_io.h"
#include "engine/broadcast/broadcast.h"
#include "engine/store/event_table.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/store_reader.h"
#include "engine/webhook/webhook_notifier.h"
#include "herald/engine.h"

namespace herald {

struct LiveBroadcast {
  struct Batch {
    BatchInfo info;
    FileVersion version;
  };

  // Set when it is created or loaded, constant after.
  BroadcastId id = 0;
  std::string dir;  // its folder in the state directory; empty: none
  BroadcastOptions options;
  absl::Time created;

  std::mutex add_mu;
  std::mutex control_mu;
  std::mutex store_mu;
  std::unique_ptr<SqliteStore> store;  // null without a state directory
  // Builds the store's query indexes once the broadcast is done; null in a
  // read-only engine.
  IndexBuilder* indexes = nullptr;
  std::unique_ptr<WebhookNotifier> notifier;
  // Whether the account's webhooks want its texts' Finished events (its
  // store then writes them to feed_events); null without a state directory
  // or read only. Set before the store opens.
  const std::atomic<bool>* feed_wanted = nullptr;
  // The store may hold feed events: set by its writer, cleared by the
  // collector (the registry's CollectFeed) before it reads them.
  std::atomic<bool> feed_pending{true};
  // The collector's (under the registry's collect_mu_): its connection to
  // feed_events, open while the broadcast has feed events coming.
  std::unique_ptr<EventTable> feed_table;

  std::mutex mu;
  // With mu: the status, the batches or `running` changed.
  std::condition_variable changed;
  // (mu) to change; the runner reads them without while it runs, and they
  // change only while it does not.
  std::string definition;
  Broadcast broadcast;
  BroadcastStatus status = BroadcastStatus::kSetup;  // (mu)
  std::string error;                                 // (mu)
  bool inputs_refused = false;                       // (mu)
  std::vector<Batch> batches;                        // (mu)
  bool running = false;  // the runner thread is in its loop (mu)
  bool restart = false;  // the batches changed under the run (mu)
  // A Stop or Archive is under way: the runner makes no move of its own,
  // and leaves at the end of its run (mu).
  bool stop_requested = false;
  std::atomic<bool> interrupt{false};
  std::thread runner;  // started and joined under control_mu or at Open

  std::mutex counts_mu;
  std::vector<uint64_t> final_rows;  // by batch index (counts_mu)

  // Readers of the store not in use, kept open for the next query (opening
  // one costs more than most queries); at most kIdleReaders.
  static constexpr size_t kIdleReaders = 8;
  std::mutex readers_mu;
  std::vector<std::unique_ptr<StoreReader>> idle_readers;  // (readers_mu)
  // Moves when the definition changes: readers opened before go.
  uint64_t readers_generation = 0;  // (readers_mu)

  std::mutex progress_mu;
  BroadcastProgress progress;       // (progress_mu)
  std::optional<RunReport> report;  // the last run's (progress_mu)
  std::string report_json;          // of `report` (progress_mu)
};

// Opens the store in b->dir for the engine's `options` (read only when the
// engine is); the texts that become final go to b's notifier and, as
// events, to `events`.
absl::Status OpenStore(const EngineOptions& options, EventBus& events,
                       LiveBroadcast* b);
// Starts b's webhook notifier when its options name a webhook file and the
// engine writes.
absl::Status StartNotifier(const EngineOptions& options, LiveBroadcast* b);
// Makes the folder and store of the new broadcast `b` and writes its record
// there; on failure leaves no folder behind.
absl::Status CreateStore(const EngineOptions& options, EventBus& events,
                         LiveBroadcast* b);

// The record as the store keeps it; with b.mu held.
StoredBroadcast StoredOf(const LiveBroadcast& b);
std::vector<StoredBatch> StoredBatchesOf(const LiveBroadcast& b);

// Reads the broadcast and batches of b's open store into `b`. False when
// the store holds no broadcast (it was never recorded). A batch the store
// says was still NEW or VALIDATING (the engine stopped meanwhile) is ERRORS
// now, and `*interrupted` says so.
absl::StatusOr<bool> LoadRecord(LiveBroadcast* b, bool* interrupted);

// Writes b's record to its store, durably; without b.mu held. A no-op
// without a store.
absl::Status Persist(LiveBroadcast& b);

// Ends the writer thread of b's store when b is neither live nor running
// (resources follow work: a finished or stopped broadcast holds no thread);
// its next write starts one again. Without b.mu held.
void ParkWriterWhenIdle(LiveBroadcast& b);

// What a caller is told of b; with b.mu held.
BroadcastInfo InfoOf(LiveBroadcast& b);

// Moves b to `to` when its status is one of `from`, writes it and tells the
// waiters and the listeners; without b.mu held. False when b was not in one
// of `from` (nothing changes). When the write fails b goes back to what it
// was, unless something else changed it meanwhile.
absl::StatusOr<bool> ChangeStatus(LiveBroadcast* b, EventBus& events,
                                  std::initializer_list<BroadcastStatus> from,
                                  BroadcastStatus to, std::string detail = "");
// ChangeStatus for the runner's own moves: false as well while a stop is
// requested, so that a Stop() wins over a move the runner is making.
absl::StatusOr<bool> ChangeStatusByRunner(LiveBroadcast* b, EventBus& events,
                                          BroadcastStatus from,
                                          BroadcastStatus to);

// Stops a live b, with `error` as its error when not empty: in the store
// when it can be written, in memory whatever happens (the store then still
// says it runs, and the next Open resumes it). Returns the write's error;
// without b.mu held. A b that is not live is left as it is.
absl::Status StopLive(LiveBroadcast* b, EventBus& events, std::string error);

// Tells the listeners of a batch's new status.
void PublishBatch(EventBus& events, const LiveBroadcast& b,
                  const BatchInfo& batch, std::string detail = "");

}  // namespace herald

#endif  // HERALD_ENGINE_API_LIVE_BROADCAST_H_
