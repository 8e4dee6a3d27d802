// What herald knows about each recipient of a broadcast, in the CallFire
// API's terms: the states and results of an outbound text, the text as the
// store keeps it, the queries over texts and the statistics of a broadcast.
#ifndef HERALD_TEXTS_H_
#define HERALD_TEXTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace herald {

// A NANP number in E.164 form as an integer, e.g. 12135551234. Integers keep
// a pending recipient small and make duplicate and DNC sets cheap.
using PhoneNumber = uint64_t;

// How a text goes over the air: the GSM 03.38 7-bit alphabet or UCS-2.
enum class SmsEncoding : uint8_t { kGsm7, kUcs2 };

enum class RecipientState : uint8_t {
  kReady,        // waiting to be sent
  kSelected,     // handed to a transport, outcome not yet known
  kCallback,     // waiting for a retry
  kDisabled,     // its batch is switched off
  kFinished,     // processed; see its TextResult
  kDnc,          // on a do-not-contact list
  kDup,          // a duplicate of an earlier recipient
  kInvalid,      // the number or the row cannot be sent
  kTimeout,      // could not be sent within the allowed time
  kPeriodLimit,  // a per-period sending limit was reached
  kSkipped,      // left out by a policy
};

enum class TextResult : uint8_t {
  kSent,
  kReceived,
  kDnt,
  kTooBig,
  kInternalError,
  kCarrierError,
  kCarrierTempError,
  kUndialed,
};

// The API's upper-case name, e.g. "FINISHED", "CARRIER_TEMP_ERROR".
absl::string_view StateName(RecipientState state);
absl::string_view ResultName(TextResult result);

// The inverse of StateName; nullopt for a name that is not a state.
std::optional<RecipientState> ParseStateName(absl::string_view name);

// Whether a recipient in `state` is done with: every state but READY,
// SELECTED, CALLBACK and DISABLED.
bool IsFinal(RecipientState state);

// The inverse of ResultName; nullopt for a name that is not a text result.
std::optional<TextResult> ParseResultName(absl::string_view name);

// What became of a text after its provider took it, as its delivery
// receipts say. kPending until a final state; the final ones never change
// (ApplyReceipt).
enum class DeliveryState : uint8_t {
  kPending,             // no receipt yet, or ENROUTE / ACCEPTD
  kDelivered,           // DELIVRD
  kUndelivered,         // UNDELIV, DELETED
  kExpired,             // EXPIRED
  kRejected,            // REJECTD
  kUnknown,             // UNKNOWN: the SMSC cannot say
  kPartiallyDelivered,  // a multipart text: some parts delivered, not all
};

// "PENDING", "DELIVERED", "UNDELIVERED", "EXPIRED", "REJECTED", "UNKNOWN",
// "PARTIALLY_DELIVERED": the API's deliveryState.
absl::string_view DeliveryStateName(DeliveryState state);
// The inverse of DeliveryStateName; nullopt for a name that is not one.
std::optional<DeliveryState> ParseDeliveryStateName(absl::string_view name);

bool IsFinal(DeliveryState state);

// The state once `receipt` arrives for a text (or part) in `current`: a
// final state stays as it is, whatever comes later (a late ENROUTE, a
// duplicate, a second final from a confused SMSC); a pending one takes the
// receipt's. So receipts may arrive in any order and any number of times.
DeliveryState ApplyReceipt(DeliveryState current, DeliveryState receipt);

// A multipart text's state from its parts': delivered when every part is,
// pending while a part is, the parts' common state when they agree, and
// partially delivered when some were delivered and the others ended
// otherwise; UNDELIVERED when they ended in different states and none was
// delivered. Empty: pending.
DeliveryState CombineParts(absl::Span<const DeliveryState> parts);

// What a text counts as in a broadcast's statistics. The one rule behind the
// run report (RunCounts), the resume point's counts of an earlier run and
// Engine::Stats (StoreCounts), so that the three always agree.
enum class TextCount : uint8_t {
  kNone,      // READY, SELECTED, DISABLED: not final, counted nowhere
  kCallback,  // CALLBACK: not final, waiting for its next attempt
  kSent,      // FINISHED with SENT
  kTooBig,    // FINISHED with TOO_BIG
  kDnc,       // DNC, or FINISHED with DNT (the provider's do-not-text list)
  kDup,       // DUP
  kInvalid,   // INVALID
  kTimeout,   // TIMEOUT
  kSkipped,   // SKIPPED
  kError,     // FINISHED with any other result, or PERIOD_LIMIT
};
TextCount CountOf(RecipientState state, std::optional<TextResult> result);

// Which recipient's text a record is about: the same four fields at every
// stage (the text handed to a transport, the transport's answer, the outcome
// recorded), which each stage's record embeds, so that a stage passes the
// identity on in one assignment and a new field of it is one edit.
struct TextKey {
  uint32_t batch = 0;         // 1-based batch (contacts file) number
  uint64_t recipient_id = 0;  // 1-based data row within its batch
  uint64_t line = 0;          // physical line where the row starts
  PhoneNumber to = 0;         // 0 when the number could not be read

  // This record's key, to assign another stage's to: `a.key() = b`.
  TextKey& key() { return *this; }
  const TextKey& key() const { return *this; }
};

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
  // What the receipts of a SENT attempt said; kPending until one is final.
  DeliveryState delivery_state = DeliveryState::kPending;
  std::string delivery_error;  // the provider's error code; empty for none
  std::optional<absl::Time> delivery_time;  // of the last receipt
};

// What one delivery receipt says of one part of one attempt at a text, once
// its transport's callback was matched to the text (the route is the
// transport's: a Kannel dlr-url carries it). Receipts may come before the
// attempt is recorded, twice, or out of order: the store keeps each part's
// state by ApplyReceipt and the attempt's by CombineParts.
struct DeliveryReceipt {
  uint64_t text_id = 0;  // TextId
  int attempt = 1;
  // The parts the attempt went out in (the provider's split of it); a part
  // without a receipt yet is pending.
  int parts = 1;
  std::string part;  // the provider's id of this part; empty when none
  DeliveryState state = DeliveryState::kPending;
  std::string error;  // the provider's error code as written; empty for none
  absl::Time at;      // when it happened, as the receipt says
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

inline constexpr int kDefaultTextPageLimit = 100;
inline constexpr int kMaxTextPageLimit = 1000;

// A text someone sent to one of the account's numbers, as its provider's
// callback brought it (the API's Text with inbound true, FINISHED,
// RECEIVED).
struct InboundText {
  int64_t id = 0;        // the account's: 1, 2, ... in the order they came
  PhoneNumber from = 0;  // who sent it
  std::string to;        // the account's number it went to, as digits
  std::string message;   // UTF-8
  std::string provider;  // the providers-file name it came through
  absl::Time at;         // when it was sent, as the provider says
  absl::Time received;   // when herald recorded it
  // What its whole body asked for: "OPT_OUT", "OPT_IN", "HELP" or empty.
  std::string keyword;
  // The broadcast that last texted `from` from `to` before it came; 0 when
  // none did.
  int64_t campaign = 0;
};

struct InboundQuery {
  // Of any of these broadcasts (0: the texts no broadcast is known for);
  // empty: of all.
  std::vector<int64_t> campaigns;
  std::optional<PhoneNumber> from;
  std::vector<int64_t> ids;  // when not empty: these, every other field unused
  uint64_t offset = 0;
  int limit = kDefaultTextPageLimit;  // 0 to kMaxTextPageLimit
};

struct InboundPage {
  std::vector<InboundText> items;  // by id
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;
};

// Which texts FindTexts returns. Empty lists and unset fields match all.
struct TextQuery {
  // When not empty: the texts with these ids (TextId) that are final or
  // CALLBACK, in this order, and every other field is ignored.
  std::vector<uint64_t> ids;
  std::vector<RecipientState> states;  // any of these
  std::vector<TextResult> results;     // finalTextResult, any of these
  std::optional<uint32_t> batch;
  std::optional<PhoneNumber> to;
  // Every text carries the broadcast's fromNumber, so this matches all texts
  // or none. Equal strings match, and so do two spellings of one NANP number.
  std::optional<std::string> from;
  absl::Time since = absl::InfinitePast();    // modified at or after
  absl::Time until = absl::InfiniteFuture();  // modified before
  uint64_t offset = 0;                        // matching texts skipped
  int limit = kDefaultTextPageLimit;          // 0 to kMaxTextPageLimit
};

// One page of the texts a query matches, by id.
struct TextPage {
  std::vector<TextRecord> items;
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;  // matching texts, whatever the offset and limit
};

// Recipients by what became of them. Named as in the API (kCountFields).
struct StoreCounts {
  // Whole broadcast, whatever the range: the rows of the batches (a batch
  // not read to its end yet counts its texts rows), and those of them not
  // in a final state yet.
  uint64_t total = 0;
  uint64_t total_outbound = 0;  // one text per recipient: `total`
  uint64_t remaining_outbound = 0;
  // Texts modified in the range, by state and result.
  uint64_t sent = 0;    // FINISHED with SENT
  uint64_t unsent = 0;  // final, and not sent
  // Each text in one of these by CountOf.
  uint64_t dnc = 0;       // DNC, or FINISHED with DNT
  uint64_t dup = 0;       // DUP
  uint64_t invalid = 0;   // INVALID
  uint64_t too_big = 0;   // FINISHED with TOO_BIG
  uint64_t errors = 0;    // FINISHED with another result, PERIOD_LIMIT
  uint64_t timeout = 0;   // TIMEOUT
  uint64_t callback = 0;  // CALLBACK: waiting for a retry
  uint64_t skipped = 0;   // SKIPPED
  uint64_t segments = 0;  // billed, of the attempts finished in the range
  // Of the `sent` texts, by their last attempt's receipts: DELIVERED; any
  // other final state (UNDELIVERED, EXPIRED, REJECTED, UNKNOWN, partially
  // delivered); no final receipt yet.
  uint64_t delivered = 0;
  uint64_t undelivered = 0;
  uint64_t delivery_pending = 0;
};

// A count's API name. `whole_broadcast`: the count ignores the range and
// has no meaning per zone.
struct CountField {
  const char* name;
  uint64_t StoreCounts::*count;
  bool whole_broadcast;
};
inline constexpr CountField kCountFields[] = {
    {"totalCount", &StoreCounts::total, true},
    {"totalOutboundCount", &StoreCounts::total_outbound, true},
    {"remainingOutboundCount", &StoreCounts::remaining_outbound, true},
    {"sentCount", &StoreCounts::sent, false},
    {"unsentCount", &StoreCounts::unsent, false},
    {"segmentCount", &StoreCounts::segments, false},
    {"doNotTextCount", &StoreCounts::dnc, false},
    {"dupCount", &StoreCounts::dup, false},
    {"invalidCount", &StoreCounts::invalid, false},
    {"tooBigCount", &StoreCounts::too_big, false},
    {"errorCount", &StoreCounts::errors, false},
    {"timeoutCount", &StoreCounts::timeout, false},
    {"callbackCount", &StoreCounts::callback, false},
    {"skippedCount", &StoreCounts::skipped, false},
    {"deliveredCount", &StoreCounts::delivered, false},
    {"undeliveredCount", &StoreCounts::undelivered, false},
    {"deliveryPendingCount", &StoreCounts::delivery_pending, false},
};

struct StoreStats {
  struct Batch {
    uint32_t id = 0;
    std::string path;
    std::optional<uint64_t> size;  // nullopt until the file was read once
    StoreCounts counts;
  };
  absl::Time begin = absl::InfinitePast();
  absl::Time end = absl::InfiniteFuture();
  StoreCounts counts;
  std::vector<Batch> batches;  // by id
  // By zone ("unknown" for texts without one); whole-broadcast counts 0.
  std::map<std::string, StoreCounts> zones;
  std::map<std::string, uint64_t> results;  // texts by finalTextResult name
};

}  // namespace herald

#endif  // HERALD_TEXTS_H_
