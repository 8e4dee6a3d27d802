// The transport seam: where rendered texts leave the engine.
#ifndef HERALD_ENGINE_TRANSPORT_H_
#define HERALD_ENGINE_TRANSPORT_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/phone_number.h"
#include "engine/recipient_state.h"
#include "engine/sms_encoding.h"

namespace herald {

// One message for one recipient. Views are valid only during Send().
struct OutboundText {
  uint32_t batch = 0;         // 1-based batch (contacts file) number
  uint64_t recipient_id = 0;  // 1-based data row within its batch
  PhoneNumber to = 0;
  absl::string_view from;
  absl::string_view message;
  int attempt = 1;
  SmsEncoding encoding = SmsEncoding::kGsm7;
  int segments = 1;  // what the provider bills and rate-limits
  // When the broadcast has time rules: the recipient's zone(s), '&'-joined,
  // and the wall clock in the first of them when the text was handed over
  // ("2026-11-23T09:00:00"). Empty when no rule applies.
  absl::string_view zone_names;
  absl::string_view local_time;
};

class Transport {
 public:
  virtual ~Transport() = default;

  // Hands `texts` to the provider and fills `results[i]` with the outcome of
  // `texts[i]` (`results.size() == texts.size()`). Returns an error only when
  // the transport itself failed and cannot tell what happened to the texts;
  // the caller then stops, and no text of this call counts as sent.
  virtual absl::Status Send(absl::Span<const OutboundText> texts,
                            absl::Span<TextResult> results) = 0;

  // Makes everything sent so far durable. Called once at the end of a run.
  virtual absl::Status Finish() = 0;
};

}  // namespace herald

#endif  // HERALD_ENGINE_TRANSPORT_H_
