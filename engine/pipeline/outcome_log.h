// Where every recipient's final state is recorded, one entry per data row.
#ifndef HERALD_ENGINE_PIPELINE_OUTCOME_LOG_H_
#define HERALD_ENGINE_PIPELINE_OUTCOME_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/base/file_io.h"
#include "engine/ingest/phone_number.h"
#include "herald/texts.h"

namespace herald {

struct RowOutcome : TextKey {
  RecipientState state = RecipientState::kReady;
  std::optional<TextResult> result;
  // Why INVALID, TOO_BIG, or an attempt failed, in words; empty otherwise.
  absl::string_view reason;
  int attempt = 0;        // attempts made, counting the one this records
  bool answered = false;  // records the provider's answer to `attempt`
  absl::string_view provider_id;  // the provider's message id, if it gave one
  absl::Time at;                  // when it became known, on the run's clock
  // The text sent (or tried) and its segments; empty and 0 for rows not sent.
  absl::string_view message;
  int segments = 0;
  absl::string_view zone;  // the recipient's zone(s), when known
  // CALLBACK: the attempt whose idempotency key the next attempt carries,
  // and when it is due.
  int key_attempt = 0;
  absl::Time next_attempt = absl::InfiniteFuture();
};

// The seam for recording outcomes (a file, the store). Entries arrive from
// one thread; views in them are valid only during the call. A row has one entry
// for its final state, and before it one CALLBACK entry per failed attempt that
// is retried; rows sent through a provider finish in the order the provider
// answers, not in row order.
class OutcomeSink {
 public:
  virtual ~OutcomeSink() = default;
  // Fails once the sink cannot record (a full disk, say), and from then on,
  // with nothing to record too: the run asks before each hand-over and
  // stops, since a text sent unrecorded would be sent again on resume.
  virtual absl::Status Record(absl::Span<const RowOutcome> outcomes) = 0;
  // Batch `batch` (1-based) has `rows` data rows; called once the run has
  // read the whole file.
  virtual absl::Status RecordBatchSize(uint32_t /*batch*/, uint64_t /*rows*/) {
    return absl::OkStatus();
  }
  // Returns once every outcome recorded so far would survive a crash. The
  // run calls it before an attempt whose idempotency key depends on an
  // earlier outcome.
  virtual absl::Status Flush() { return absl::OkStatus(); }
  virtual absl::Status Finish() = 0;
};

// Records every outcome in each of several sinks (the store and a file).
class OutcomeTee : public OutcomeSink {
 public:
  explicit OutcomeTee(std::vector<OutcomeSink*> sinks)
      : sinks_(std::move(sinks)) {}

  absl::Status Record(absl::Span<const RowOutcome> outcomes) override;
  absl::Status RecordBatchSize(uint32_t batch, uint64_t rows) override;
  absl::Status Flush() override;
  absl::Status Finish() override;  // finishes every sink, even after an error

 private:
  std::vector<OutcomeSink*> sinks_;
};

// Writes outcomes as JSON lines:
//   {"batch":1,"recipientId":7,"line":8,"to":"12135551234","state":"FINISHED",
//    "result":"SENT"}
// with "attempt" for rows that were sent (or tried), "providerId" when the
// provider gave one, "reason" when there is one, and no "to" when the number
// was unreadable.
class JsonlOutcomeLog : public OutcomeSink {
 public:
  // Creates the log at `path`, truncating or appending to the file there.
  static absl::StatusOr<std::unique_ptr<JsonlOutcomeLog>> Create(
      const std::string& path,
      OutputFile::Mode mode = OutputFile::Mode::kTruncate);

  absl::Status Record(absl::Span<const RowOutcome> outcomes) override;
  absl::Status Finish() override;

 private:
  explicit JsonlOutcomeLog(std::unique_ptr<OutputFile> file)
      : file_(std::move(file)) {}

  std::unique_ptr<OutputFile> file_;
  std::string line_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_OUTCOME_LOG_H_
