// What one run of a broadcast did: the counts of every state, by batch and
// in all, the first INVALID rows, the DNC lists read, the passes over the
// files and the warnings. `herald run --report` writes it as JSON; an
// embedder gets it from Engine::LastRunReport.
#ifndef HERALD_RUN_REPORT_H_
#define HERALD_RUN_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "herald/texts.h"

namespace herald {

// How many rows ended in each state. Always total == sent + invalid + dup +
// dnc + too_big + errors + skipped + timeout + remaining; a run that
// completes has remaining 0.
struct RunCounts {
  uint64_t total = 0;    // data rows read
  uint64_t sent = 0;     // FINISHED with result SENT
  uint64_t invalid = 0;  // INVALID
  uint64_t dup = 0;      // DUP
  uint64_t dnc = 0;      // DNC (result DNT)
  uint64_t too_big = 0;  // FINISHED with result TOO_BIG
  uint64_t errors = 0;   // FINISHED with another result
  uint64_t skipped = 0;  // SKIPPED: no known zone, unknownZonePolicy skip
  uint64_t timeout = 0;  // TIMEOUT: no window before the broadcast's end
  // Read but not final (the run stopped early): waiting for a window or an
  // attempt, or handed to a transport that could not say what became of it.
  uint64_t remaining = 0;
  uint64_t callbacks = 0;  // of the remaining, rows waiting for a retry
  uint64_t disabled = 0;   // of the remaining, rows of a held batch
  uint64_t segments = 0;   // segments of the texts sent

  // Adds a row that ended as `count` (sent with `segments`); a row not
  // final (kNone, kCallback) is left to `remaining`, counted at the end.
  void AddFinal(TextCount count, uint64_t segments_sent);

  void Add(const RunCounts& other) {
    total += other.total;
    sent += other.sent;
    invalid += other.invalid;
    dup += other.dup;
    dnc += other.dnc;
    too_big += other.too_big;
    errors += other.errors;
    skipped += other.skipped;
    timeout += other.timeout;
    remaining += other.remaining;
    callbacks += other.callbacks;
    disabled += other.disabled;
    segments += other.segments;
  }
};

struct BatchReport {
  uint32_t id = 0;  // 1-based, in the order the files were given
  std::string path;
  RunCounts counts;
};

// An INVALID row, for people to find and fix.
struct RowIssue {
  std::string path;
  uint64_t line = 0;
  std::string reason;
};

// One pass over the contact files: the first reads every row, each later one
// the rows whose window opened (or whose time ran out).
struct PassReport {
  absl::Time at;         // the clock's time when the pass began
  uint64_t rows = 0;     // rows classified
  uint64_t sent = 0;     // of them sent
  uint64_t waiting = 0;  // rows waiting once the pass ended
  double seconds = 0;    // wall time of the pass
};

// What the do-not-contact lists of a run held.
struct DncLoadStats {
  uint64_t lines = 0;     // records read, header excluded
  uint64_t entries = 0;   // distinct numbers added
  uint64_t rejected = 0;  // records whose number could not be read
  // "dnc.txt:12: wrong length: 9 digits", for the first rejected records.
  std::vector<std::string> rejected_samples;
};

struct RunReport {
  // OK when every row read reached a final state; otherwise why the run
  // stopped early (the counts then say how far it got).
  absl::Status status;
  std::vector<BatchReport> batches;
  RunCounts totals;
  DncLoadStats dnc;
  std::vector<RowIssue> invalid_samples;  // the first INVALID rows
  std::vector<std::string> warnings;
  std::vector<PassReport> passes;
  absl::Time started_at;  // the clock's time at the start
  absl::Time ended_at;    // the clock's time at the end
  double elapsed_seconds = 0;
  // Of totals.total, the rows an earlier run of the broadcast had settled,
  // which this one left alone.
  uint64_t rows_settled_earlier = 0;

  // Rows this run acted on per second; 0 before any time has passed. A
  // resumed run's rate is over the rows it had left, not the whole file.
  double RowsPerSecond() const {
    return elapsed_seconds > 0
               ? (totals.total - rows_settled_earlier) / elapsed_seconds
               : 0.0;
  }
};

}  // namespace herald

#endif  // HERALD_RUN_REPORT_H_
