// One run of a broadcast over contact files: every data row read ends in
// exactly one state, and the counts say which.
//
// The pipeline: a reader thread cuts each file into chunks of whole records
// and queues them; a pool of workers classifies the rows of a chunk (parse,
// number, DNC, template) in parallel; the calling thread commits chunks in
// file order, which makes duplicate scrubbing deterministic (the first row
// of a number wins), hands the sendable texts to the transport and records
// every row's outcome as it becomes known: at once for a row that is not
// sent, when the transport answers for one that is. A sendable row whose
// recipient's window is closed waits (a few bytes: its row id under its zone
// group) and a later pass re-reads the files for the waiting rows once their
// window opens; rows that never get a window end TIMEOUT. A failed attempt
// that retryConfig retries puts its row in CALLBACK, and a later pass sends
// it again when the attempt is due and its window is open. See
// docs/ARCHITECTURE.md.
#ifndef HERALD_ENGINE_PIPELINE_BROADCAST_RUN_H_
#define HERALD_ENGINE_PIPELINE_BROADCAST_RUN_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/broadcast/broadcast.h"
#include "engine/ingest/csv_reader.h"
#include "engine/ingest/dnc_list.h"
#include "engine/pipeline/outcome_log.h"
#include "herald/clock.h"
#include "herald/do_not_contact.h"
#include "herald/run_report.h"
#include "herald/transport.h"
#include "timezone/zone_table.h"

namespace herald {

// Where a run picks up: the rows already settled. A run given one skips the
// final rows and schedules the CALLBACK rows at their due time.
struct ResumePoint {
  struct Batch {
    std::vector<bool> final_rows;  // by recipient id - 1
    // Of those rows, by state (total and remaining stay 0).
    RunCounts counts;

    bool IsFinal(uint64_t recipient_id) const {
      return recipient_id - 1 < final_rows.size() &&
             final_rows[recipient_id - 1];
    }
  };
  struct Callback {
    uint32_t batch = 0;  // 1-based
    uint64_t recipient_id = 0;
    int attempts = 0;
    int key_attempt = 0;
    absl::Time due;
  };
  std::vector<Batch> batches;  // index batch id - 1
  std::vector<Callback> callbacks;
};

struct RunProgress {
  uint64_t rows = 0;  // rows committed so far, counting each pass
  uint64_t sent = 0;
  uint64_t waiting = 0;    // rows waiting for their window
  uint64_t callbacks = 0;  // rows waiting for their next attempt (CALLBACK)
  uint64_t in_flight = 0;  // texts the provider has not answered yet
  uint64_t queued = 0;     // texts the transport holds, not yet requested
  // When the run is idle until a window opens: that instant; else
  // absl::InfinitePast().
  absl::Time idle_until = absl::InfinitePast();
  double elapsed_seconds = 0;
  bool first_pass = true;  // still reading the files for the first time
  // The zones with the most rows waiting for their window, most first (at
  // most three), e.g. {"America/Los_Angeles", 1200}.
  std::vector<std::pair<std::string, uint64_t>> deferred_by_zone;
  // The report's warnings so far (RunReport::warnings).
  std::vector<std::string> warnings;
};

// How a run treats one contacts file (RunOptions::batch_rules).
struct BatchRule {
  enum class Mode : uint8_t {
    kSend,
    // The batch is switched off: its rows are read, ended when they cannot
    // be sent (INVALID, DUP, DNC, TOO_BIG) and count for scrubbing the
    // duplicates after them, but the sendable ones stay DISABLED, unfinished
    // (RunCounts::disabled), and its CALLBACK rows wait.
    kHold,
    // Not read at all: a batch that failed validation, or is still being
    // validated. Its rows count nowhere.
    kSkip,
  };
  Mode mode = Mode::kSend;
  // A row whose number an earlier row of the run has ends DUP, as for every
  // batch when the broadcast scrubs duplicates.
  bool scrub_duplicates = false;
};

// More classifying threads than this only cost memory (each holds chunks).
inline constexpr int kMaxWorkers = 256;

struct RunOptions {
  std::vector<std::string> contact_paths;  // one batch each
  // Empty (every batch sent), or one per contacts path.
  std::vector<BatchRule> batch_rules;
  std::vector<std::string> dnc_paths;
  // Loads DNC files despite lines that cannot be read (DncLoadOptions).
  bool dnc_skip_unreadable = false;
  std::string phone_column;  // empty: find it by name
  int workers = 0;  // classifying threads, 0..kMaxWorkers; 0: one per core
  CsvReaderOptions csv;
  // Called on the calling thread about every progress_interval_seconds,
  // and before idling until a window opens.
  std::function<void(const RunProgress&)> on_progress;
  double progress_interval_seconds = 0.5;

  // Time. Null members take the defaults: the system clock and the built-in
  // NANP zone table. Nothing is sent at or after `deadline`.
  Clock* clock = nullptr;
  const ZoneTable* zones = nullptr;
  absl::Time deadline = absl::InfiniteFuture();

  // A run that picks up where an earlier one over the same files stopped:
  // its final rows are counted and not sent again, its CALLBACK rows get
  // their next attempt when it is due. Null for a fresh run.
  const ResumePoint* resume = nullptr;
  // When it becomes true (a signal handler may set it), the run takes no new
  // rows, collects the answers to what is in flight, and returns with status
  // Cancelled; the rest stays unfinished for a later run to resume.
  const std::atomic<bool>* interrupt = nullptr;
  // Asked for every text just before it is handed to the transport: a
  // number it blocks ends DNC with DNT instead (the account's do-not-contact
  // list, which may grow while the run goes). Null: none.
  const SendBlock* send_block = nullptr;
};

// Runs `broadcast` over the files in `options` through `transport`, recording
// each row's outcome in `outcomes` when it is not null. Both must outlive the
// call.
//
// Returns an error, before anything is sent, when a contact or DNC file
// cannot be opened, a header cannot be mapped, there is no message to send,
// or a time zone the broadcast names is unknown. Problems with single rows
// never fail the run: those rows end INVALID with a reason naming the column.
// Once sending has begun, a failing transport or outcome sink, or a contacts
// file that changes while rows wait for their window, stops the run and is
// reported in RunReport::status.
//
// The call returns when every row is final: it idles (on options.clock)
// while rows wait for a window.
absl::StatusOr<RunReport> RunBroadcast(const Broadcast& broadcast,
                                       const RunOptions& options,
                                       Transport* transport,
                                       OutcomeSink* outcomes);

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_BROADCAST_RUN_H_
