// The delivery states of herald/texts.h: their names and how receipts
// change them.
#include "engine/base/enum_names.h"
#include "herald/texts.h"

namespace herald {
namespace {

constexpr EnumNames<DeliveryState, 7> kDeliveryStates = {{
    {"PENDING", DeliveryState::kPending},
    {"DELIVERED", DeliveryState::kDelivered},
    {"UNDELIVERED", DeliveryState::kUndelivered},
    {"EXPIRED", DeliveryState::kExpired},
    {"REJECTED", DeliveryState::kRejected},
    {"UNKNOWN", DeliveryState::kUnknown},
    {"PARTIALLY_DELIVERED", DeliveryState::kPartiallyDelivered},
}};

}  // namespace

absl::string_view DeliveryStateName(DeliveryState state) {
  return NameOf(kDeliveryStates, state, "UNKNOWN");
}

std::optional<DeliveryState> ParseDeliveryStateName(absl::string_view name) {
  return ValueNamed(kDeliveryStates, name);
}

bool IsFinal(DeliveryState state) { return state != DeliveryState::kPending; }

DeliveryState ApplyReceipt(DeliveryState current, DeliveryState receipt) {
  return IsFinal(current) ? current : receipt;
}

DeliveryState CombineParts(absl::Span<const DeliveryState> parts) {
  if (parts.empty()) return DeliveryState::kPending;
  bool any_delivered = false;
  bool all_same = true;
  for (DeliveryState part : parts) {
    if (!IsFinal(part)) return DeliveryState::kPending;
    any_delivered |= part == DeliveryState::kDelivered;
    all_same &= part == parts.front();
  }
  if (all_same) return parts.front();
  return any_delivered ? DeliveryState::kPartiallyDelivered
                       : DeliveryState::kUndelivered;
}

}  // namespace herald
