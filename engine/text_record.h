// An outbound text as the store keeps it and the CallFire API shows it: what
// `herald texts` lists, what a Finished event carries.
#ifndef HERALD_ENGINE_TEXT_RECORD_H_
#define HERALD_ENGINE_TEXT_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "engine/phone_number.h"
#include "engine/recipient_state.h"
#include "nlohmann/json.hpp"

namespace herald {

// A text's id: its batch and its row, readable in the number itself
// (batch 2, row 7 is 20000000007).
constexpr uint64_t kTextIdBatchFactor = 10'000'000'000;
inline uint64_t TextId(uint32_t batch, uint64_t recipient_id) {
  return uint64_t{batch} * kTextIdBatchFactor + recipient_id;
}

// One attempt to send the text (the API's `records[]`).
struct AttemptRecord {
  int attempt = 1;
  absl::Time finish_time;  // when the provider's answer was recorded
  TextResult result = TextResult::kSent;
  std::string provider_id;  // the provider's message id; empty when none
  int segments = 0;         // billed segments (0 unless SENT)
};

struct TextRecord {
  uint64_t id = 0;  // TextId(batch_id, recipient_id)
  uint32_t batch_id = 0;
  uint64_t recipient_id = 0;  // 1-based data row within the batch
  uint64_t line = 0;          // physical line of the row in its file
  PhoneNumber to = 0;         // 0 when the number could not be read
  std::string from;           // the broadcast's fromNumber
  RecipientState state = RecipientState::kReady;
  std::optional<TextResult> result;  // finalTextResult
  std::string message;  // the rendered text, for rows that were sent or tried
  int segments = 0;     // of the message
  std::string zone;     // the recipient's zone(s), '&'-joined; may be empty
  std::string reason;   // why INVALID, TOO_BIG, or the last attempt failed
  int attempts = 0;     // attempts made
  absl::Time created;   // first recorded
  absl::Time modified;  // last changed
  std::vector<AttemptRecord> records;  // oldest first
};

// The API's Text object for `text`:
//   {"id":20000000007,"fromNumber":"67076","toNumber":"12135551234",
//    "state":"FINISHED","campaignId":"<run id>","batchId":2,"inbound":false,
//    "created":1443403042000,"modified":1443403043000,"message":"...",
//    "finalTextResult":"SENT","records":[{"id":2000000000701,"attempt":1,
//    "finishTime":1443403043000,"textResult":"SENT","providerId":"7",
//    "billedSegments":1}],
//    (record ids are the text id times 100 plus the attempt)
//    "recipientId":7,"line":8,"segments":1,"zone":"America/New_York",
//    "attempts":1,"reason":"..."}
// Members without a value (no number, no message, no result, no reason)
// are left out. Times are unix milliseconds, as in the API.
nlohmann::json TextJson(const TextRecord& text, const std::string& campaign_id);

}  // namespace herald

#endif  // HERALD_ENGINE_TEXT_RECORD_H_
