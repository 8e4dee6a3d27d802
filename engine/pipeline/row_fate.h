// What becomes of a row when the committer reaches it in file order, decided
// from what is known of it and nothing else: no threads, no sets, no clock,
// so that the whole decision is tested as a table (row_fate_test).
#ifndef HERALD_ENGINE_PIPELINE_ROW_FATE_H_
#define HERALD_ENGINE_PIPELINE_ROW_FATE_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "engine/pipeline/recipient_gates.h"
#include "engine/pipeline/row_classifier.h"

namespace herald {

enum class RowFate : uint8_t {
  // Final now, from what the row is.
  kInvalid,  // INVALID: a bad number or row, or a message that cannot render
  kDup,      // DUP: an earlier row had its number, and the batch scrubs
  kDnc,      // DNC (result DNT): on a do-not-contact list
  kTooBig,   // FINISHED with TOO_BIG: over the size the broadcast allows
  // Final now, from its zone.
  kSkipped,  // SKIPPED: no known zone, and unknownZonePolicy is skip
  kTimeout,  // TIMEOUT: its zone has no window before the broadcast ends
  // Not final.
  kDisabled,  // DISABLED: its batch is switched off
  kWait,      // its window is shut now and opens later: it waits for it
  kSend,      // its window is open: its text goes to the transport
};

// What is known of a row when it is committed.
struct RowFacts {
  RowVerdict verdict = RowVerdict::kInvalid;
  // An earlier row of the run had its number and the row's batch scrubs
  // duplicates.
  bool duplicate = false;
  bool batch_held = false;  // its batch is switched off (mode hold)
  bool zone_sends = false;  // RecipientGates::Sends of its zone group
};

// The row's fate. `window` gives its zone's window now; it is called, once,
// only for a row that could go now (sendable, its batch on, its zone sending),
// since only that fate depends on the clock.
RowFate DecideRowFate(const RowFacts& facts,
                      absl::FunctionRef<WindowState()> window);

// Whether a row of this fate is recorded when it is committed: a final one.
// The others are recorded later: a text when its answer comes, a waiting row
// when its window opens, a disabled one when its batch is on again.
inline bool IsFinalFate(RowFate fate) { return fate < RowFate::kDisabled; }

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_ROW_FATE_H_
