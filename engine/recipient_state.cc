#include "engine/recipient_state.h"

#include <array>
#include <utility>

namespace herald {
namespace {

constexpr std::array<std::pair<TextResult, absl::string_view>, 8> kResults = {{
    {TextResult::kSent, "SENT"},
    {TextResult::kReceived, "RECEIVED"},
    {TextResult::kDnt, "DNT"},
    {TextResult::kTooBig, "TOO_BIG"},
    {TextResult::kInternalError, "INTERNAL_ERROR"},
    {TextResult::kCarrierError, "CARRIER_ERROR"},
    {TextResult::kCarrierTempError, "CARRIER_TEMP_ERROR"},
    {TextResult::kUndialed, "UNDIALED"},
}};

}  // namespace

absl::string_view StateName(RecipientState state) {
  switch (state) {
    case RecipientState::kReady:
      return "READY";
    case RecipientState::kSelected:
      return "SELECTED";
    case RecipientState::kCallback:
      return "CALLBACK";
    case RecipientState::kDisabled:
      return "DISABLED";
    case RecipientState::kFinished:
      return "FINISHED";
    case RecipientState::kDnc:
      return "DNC";
    case RecipientState::kDup:
      return "DUP";
    case RecipientState::kInvalid:
      return "INVALID";
    case RecipientState::kTimeout:
      return "TIMEOUT";
    case RecipientState::kPeriodLimit:
      return "PERIOD_LIMIT";
    case RecipientState::kSkipped:
      return "SKIPPED";
  }
  return "UNKNOWN";
}

absl::string_view ResultName(TextResult result) {
  for (const auto& [value, name] : kResults) {
    if (value == result) return name;
  }
  return "UNKNOWN";
}

std::optional<TextResult> ParseResultName(absl::string_view name) {
  for (const auto& [value, known] : kResults) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace herald
