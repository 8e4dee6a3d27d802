#include "engine/base/enum_names.h"
#include "herald/texts.h"

namespace herald {
namespace {

constexpr EnumNames<TextResult, 8> kResults = {{
    {"SENT", TextResult::kSent},
    {"RECEIVED", TextResult::kReceived},
    {"DNT", TextResult::kDnt},
    {"TOO_BIG", TextResult::kTooBig},
    {"INTERNAL_ERROR", TextResult::kInternalError},
    {"CARRIER_ERROR", TextResult::kCarrierError},
    {"CARRIER_TEMP_ERROR", TextResult::kCarrierTempError},
    {"UNDIALED", TextResult::kUndialed},
}};

constexpr EnumNames<RecipientState, 11> kStates = {{
    {"READY", RecipientState::kReady},
    {"SELECTED", RecipientState::kSelected},
    {"CALLBACK", RecipientState::kCallback},
    {"DISABLED", RecipientState::kDisabled},
    {"FINISHED", RecipientState::kFinished},
    {"DNC", RecipientState::kDnc},
    {"DUP", RecipientState::kDup},
    {"INVALID", RecipientState::kInvalid},
    {"TIMEOUT", RecipientState::kTimeout},
    {"PERIOD_LIMIT", RecipientState::kPeriodLimit},
    {"SKIPPED", RecipientState::kSkipped},
}};

}  // namespace

absl::string_view StateName(RecipientState state) {
  return NameOf(kStates, state, "UNKNOWN");
}

std::optional<RecipientState> ParseStateName(absl::string_view name) {
  return ValueNamed(kStates, name);
}

bool IsFinal(RecipientState state) {
  switch (state) {
    case RecipientState::kReady:
    case RecipientState::kSelected:
    case RecipientState::kCallback:
    case RecipientState::kDisabled:
      return false;
    default:
      return true;
  }
}

TextCount CountOf(RecipientState state, std::optional<TextResult> result) {
  switch (state) {
    case RecipientState::kReady:
    case RecipientState::kSelected:
    case RecipientState::kDisabled:
      return TextCount::kNone;
    case RecipientState::kCallback:
      return TextCount::kCallback;
    case RecipientState::kDnc:
      return TextCount::kDnc;
    case RecipientState::kDup:
      return TextCount::kDup;
    case RecipientState::kInvalid:
      return TextCount::kInvalid;
    case RecipientState::kTimeout:
      return TextCount::kTimeout;
    case RecipientState::kSkipped:
      return TextCount::kSkipped;
    case RecipientState::kPeriodLimit:
      return TextCount::kError;
    case RecipientState::kFinished:
      break;
  }
  if (result == TextResult::kSent) return TextCount::kSent;
  if (result == TextResult::kTooBig) return TextCount::kTooBig;
  if (result == TextResult::kDnt) return TextCount::kDnc;
  return TextCount::kError;
}

absl::string_view ResultName(TextResult result) {
  return NameOf(kResults, result, "UNKNOWN");
}

std::optional<TextResult> ParseResultName(absl::string_view name) {
  return ValueNamed(kResults, name);
}

}  // namespace herald
