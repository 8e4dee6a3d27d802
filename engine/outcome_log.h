// Where every recipient's final state is recorded, one entry per data row.
#ifndef HERALD_ENGINE_OUTCOME_LOG_H_
#define HERALD_ENGINE_OUTCOME_LOG_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/file_io.h"
#include "engine/phone_number.h"
#include "engine/recipient_state.h"

namespace herald {

struct RowOutcome {
  uint32_t batch = 0;
  uint64_t recipient_id = 0;  // 1-based data row within its batch
  uint64_t line = 0;          // physical line where the row starts
  PhoneNumber number = 0;     // 0 when the number could not be read
  RecipientState state = RecipientState::kReady;
  std::optional<TextResult> result;
  // Why INVALID, TOO_BIG, or an attempt failed, in words; empty otherwise.
  absl::string_view reason;
  int attempt = 0;                // the attempt this records; 0: none made
  absl::string_view provider_id;  // the provider's message id, if it gave one
};

// The seam for recording outcomes (a file now, the store later). Entries
// arrive from one thread. A row has one entry for its final state, and before
// it one CALLBACK entry per failed attempt that is retried; rows sent through
// a provider finish in the order the provider answers, not in row order.
class OutcomeSink {
 public:
  virtual ~OutcomeSink() = default;
  virtual absl::Status Record(absl::Span<const RowOutcome> outcomes) = 0;
  virtual absl::Status Finish() = 0;
};

// Writes outcomes as JSON lines:
//   {"batch":1,"recipientId":7,"line":8,"to":"12135551234","state":"FINISHED",
//    "result":"SENT"}
// with "attempt" for rows that were sent (or tried), "providerId" when the
// provider gave one, "reason" when there is one, and no "to" when the number
// was unreadable.
class JsonlOutcomeLog : public OutcomeSink {
 public:
  static absl::StatusOr<std::unique_ptr<JsonlOutcomeLog>> Create(
      const std::string& path);

  absl::Status Record(absl::Span<const RowOutcome> outcomes) override;
  absl::Status Finish() override;

 private:
  explicit JsonlOutcomeLog(std::unique_ptr<OutputFile> file)
      : file_(std::move(file)) {}

  std::unique_ptr<OutputFile> file_;
  std::string line_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_OUTCOME_LOG_H_
