// The registry's calls about what comes back from the providers: delivery
// receipts, recorded in the broadcast's store.
#include "absl/strings/str_cat.h"
#include "engine/api/broadcast_registry.h"

namespace herald {

absl::Status BroadcastRegistry::RecordReceipts(
    BroadcastId id, absl::Span<const DeliveryReceipt> receipts) {
  absl::StatusOr<LiveBroadcast*> b = FindToChange(id);
  if (!b.ok()) return b.status();
  if ((*b)->store == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "broadcast ", id, " has no store: receipts need a state directory"));
  }
  return (*b)->store->RecordReceipts(receipts);
}

}  // namespace herald
