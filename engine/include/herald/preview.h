// Asking herald without sending anything: what a broadcast's contacts would
// make (PreviewBroadcast, what `herald render` prints) and where a number is
// and when a broadcast may text it (NumberLookup, `herald lookup`). Both read
// only their inputs: no state directory, no provider, no store.
#ifndef HERALD_PREVIEW_H_
#define HERALD_PREVIEW_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "herald/run_report.h"
#include "herald/texts.h"

namespace herald {

inline constexpr uint64_t kMaxPreviewTexts = 100'000;

struct PreviewOptions {
  std::vector<std::string> contact_paths;  // batches 1, 2, ... in this order
  std::vector<std::string> dnc_paths;
  // As BroadcastOptions: skip unreadable DNC lines instead of refusing.
  bool dnc_skip_unreadable = false;
  std::string phone_column;  // empty: found by its name
  int workers = 0;           // classifying threads; 0: one per core
  // The first texts kept whole in the preview, 0 to kMaxPreviewTexts.
  uint64_t texts_kept = 10;
};

struct PreviewText {
  uint32_t batch = 0;
  uint64_t recipient_id = 0;
  PhoneNumber to = 0;
  SmsEncoding encoding = SmsEncoding::kGsm7;
  int segments = 0;
  std::string message;  // as the handset shows it
  // UCS-2 texts: the characters outside GSM-7 that made them so, each once.
  std::vector<std::string> ucs2_characters;
};

struct SegmentTally {
  uint64_t texts = 0;
  uint64_t segments = 0;
};

struct BroadcastPreview {
  // As a run would count every row, every window open: `totals.sent` is the
  // texts that would go, `totals.segments` what they would cost.
  RunReport report;
  std::vector<PreviewText> texts;  // the first PreviewOptions::texts_kept
  SegmentTally gsm7;
  SegmentTally ucs2;
};

// Runs every row of the contacts through the pipeline (numbers, duplicates,
// DNC lists, templates, encoding, BigMessageStrategy) and sends nothing.
// `definition` is the broadcast's JSON, named `source` in errors (its file).
// The time rules (window, schedules, compliance profile, unknown zones) are
// not applied: a preview shows every text. Errors name the file, line and
// field, as a run's do.
absl::StatusOr<BroadcastPreview> PreviewBroadcast(
    absl::string_view definition, absl::string_view source,
    const PreviewOptions& options);

struct LookupOptions {
  // The broadcast whose rules decide when a number may be texted, as JSON
  // named `source` in errors; empty: no rules.
  std::string definition;
  std::string source;
  // An NPA-NXX zone file over the built-in table (EngineOptions's
  // zone_data_path); empty: the built-in table.
  std::string zone_data_path;
};

// What herald knows of one number, and at an instant whether the broadcast
// may text it then.
struct NumberInfo {
  PhoneNumber number = 0;
  std::vector<std::string> zones;  // IANA names; empty: no known zone
  std::string region;              // e.g. "NY", "ON"; empty when unknown
  std::string country;             // ISO 3166-1 alpha-2; empty when unknown

  enum class Sendable {
    kNotAsked,  // no instant was given
    kNow,
    kLater,    // at `next`
    kNever,    // no window opens again before the broadcast ends: TIMEOUT
    kSkipped,  // no known zone and unknownZonePolicy is skip: SKIPPED
  };
  Sendable sendable = Sendable::kNotAsked;
  absl::Time next = absl::InfiniteFuture();  // kLater: the next sendable
  // The zones whose wall clocks decide (for an unknown zone, those the
  // broadcast's policy names); empty when not asked.
  std::vector<absl::TimeZone> deciding_zones;
};

// Looks numbers up under one broadcast's rules. Immutable once made; any
// number of threads may call Find.
class NumberLookup {
 public:
  // Errors: a definition or a zone file that cannot be read, naming it.
  static absl::StatusOr<std::unique_ptr<NumberLookup>> Create(
      const LookupOptions& options);
  virtual ~NumberLookup() = default;

  // `number` in any NANP spelling; InvalidArgument saying why when it is
  // not one. `at`: also whether the broadcast may text it then (its window
  // rules as a run starting at `at` applies them).
  virtual absl::StatusOr<NumberInfo> Find(
      absl::string_view number,
      std::optional<absl::Time> at = std::nullopt) const = 0;
};

}  // namespace herald

#endif  // HERALD_PREVIEW_H_
