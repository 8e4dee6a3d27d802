// The states and results of an outbound text, as the CallFire API names them.
#ifndef HERALD_ENGINE_RECIPIENT_STATE_H_
#define HERALD_ENGINE_RECIPIENT_STATE_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace herald {

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

}  // namespace herald

#endif  // HERALD_ENGINE_RECIPIENT_STATE_H_
