// The transport seam, public: where the rendered texts of a run leave the
// engine, and what became of them comes back. The engine's own transports
// (the outbox, a provider's hub) implement it; an embedder that sends through
// a gateway of its own implements it too and hands the engine a factory
// (EngineOptions::transport_factory). The engine keeps every promise on its
// side of the seam: each text once per attempt, never after STOP, never
// outside its window, every answer recorded before the next texts go.
#ifndef HERALD_TRANSPORT_H_
#define HERALD_TRANSPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "herald/texts.h"

namespace herald {

// Which attempt at a text: passed from the text handed over to the answer
// in one assignment (`delivery.attempt_key() = text`).
struct AttemptKey {
  int attempt = 1;  // 1, 2, ... up to retryConfig.maxAttempts
  // The attempt whose idempotency key this one carries: its own, unless the
  // previous attempt may have reached the provider unanswered, in which case
  // the repeat must look like that attempt so the provider drops it.
  int key_attempt = 1;

  AttemptKey& attempt_key() { return *this; }
  const AttemptKey& attempt_key() const { return *this; }
};

// One attempt to send one message to one recipient. Views are valid only
// during Submit().
struct OutboundText : TextKey, AttemptKey {
  absl::string_view from;
  absl::string_view message;
  SmsEncoding encoding = SmsEncoding::kGsm7;
  int segments = 1;  // what the provider bills and rate-limits
  // The recipient's zone(s), '&'-joined (empty when unknown), valid for the
  // whole run; and when the broadcast has time rules, the wall clock in the
  // first of them when the text was handed over ("2026-11-23T09:00:00"),
  // else empty.
  absl::string_view zone_names;
  absl::string_view local_time;
};

enum class DeliveryStatus : uint8_t {
  kSent,      // the provider took it
  kRejected,  // the provider refused the number or the text: INVALID
  kFailed,    // not sent; `result` says why
  kNotSent,   // the transport stopped before an answer: the row is not final
  // Not sent: a SendBlock (herald/do_not_contact.h) held the number when the
  // text was to leave, after it was handed over. The row ends DNC with DNT.
  kBlocked,
};

// What became of one OutboundText.
struct Delivery : TextKey, AttemptKey {
  int segments = 1;
  DeliveryStatus status = DeliveryStatus::kSent;
  TextResult result = TextResult::kSent;  // kFailed: the error
  // kFailed: the provider may have taken it anyway (no answer, or one that
  // could not be read), so a retry keeps this attempt's key.
  bool maybe_taken = false;
  std::string detail;            // for people, when not kSent; never a secret
  std::string provider_id;       // the provider's message id, when it gave one
  std::string message;           // the text as handed over
  absl::string_view zone_names;  // OutboundText::zone_names
};

// The Delivery for `text` with its identity filled in and status kSent; the
// transport sets the rest (and the message, which it may have a copy of to
// move) once the provider has answered.
Delivery DeliveryFor(const OutboundText& text);

// The name a provider sees for one delivery of the broadcast: the same for
// the attempts that share a key attempt, different for every other.
// `prefix` names the broadcast (e.g. a hash of its definition and files).
std::string IdempotencyKey(absl::string_view prefix, uint32_t batch,
                           uint64_t recipient_id, int key_attempt);
// The same, appended to `*out` (no allocation on a hot path).
void AppendIdempotencyKey(absl::string_view prefix, uint32_t batch,
                          uint64_t recipient_id, int key_attempt,
                          std::string* out);

// Called from the run's committing thread only (TextsWithProvider excepted),
// but implementations may work on threads of their own between the calls.
// Submit hands over at most a few thousand texts at a time, and the run
// records the answers it collected before it submits more.
class Transport {
 public:
  virtual ~Transport() = default;

  // Takes `texts` to send. May block while the transport holds too many
  // texts not yet answered. Returns an error only when it can take no more
  // texts (the run then stops): none of `texts` was taken.
  virtual absl::Status Submit(absl::Span<const OutboundText> texts) = 0;

  // Appends to `*out` one Delivery for each text answered since the last
  // call; every text Submit() took comes back exactly once (kNotSent when
  // it never went). When there is none, waits up to `wait` for one. Returns an
  // error once when the transport failed for good (a provider refusing the
  // credentials); from then on it sends nothing, and every text it still
  // holds comes back kNotSent.
  virtual absl::Status Collect(absl::Duration wait,
                               std::vector<Delivery>* out) = 0;

  // Sends nothing more: texts not yet handed to the provider come back from
  // Collect() kNotSent, requests already made are answered as usual. How a
  // run stops early and stays resumable.
  virtual void StopSending() {}

  // Texts in requests the provider has not answered yet, as opposed to those
  // the transport still queues; for progress, from any thread. 0 for a
  // transport that answers within Submit().
  virtual uint64_t TextsWithProvider() const { return 0; }

  // Makes everything sent so far durable and lets go of the provider. Called
  // once, when every submitted text has come back.
  virtual absl::Status Finish() = 0;
};

}  // namespace herald

#endif  // HERALD_TRANSPORT_H_
