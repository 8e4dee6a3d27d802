#include "herald/texts.h"

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

constexpr std::array<std::pair<RecipientState, absl::string_view>, 11> kStates =
    {{
        {RecipientState::kReady, "READY"},
        {RecipientState::kSelected, "SELECTED"},
        {RecipientState::kCallback, "CALLBACK"},
        {RecipientState::kDisabled, "DISABLED"},
        {RecipientState::kFinished, "FINISHED"},
        {RecipientState::kDnc, "DNC"},
        {RecipientState::kDup, "DUP"},
        {RecipientState::kInvalid, "INVALID"},
        {RecipientState::kTimeout, "TIMEOUT"},
        {RecipientState::kPeriodLimit, "PERIOD_LIMIT"},
        {RecipientState::kSkipped, "SKIPPED"},
    }};

}  // namespace

absl::string_view StateName(RecipientState state) {
  for (const auto& [value, name] : kStates) {
    if (value == state) return name;
  }
  return "UNKNOWN";
}

std::optional<RecipientState> ParseStateName(absl::string_view name) {
  for (const auto& [value, known] : kStates) {
    if (known == name) return value;
  }
  return std::nullopt;
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
