// The registry's calls about what comes back from the providers: delivery
// receipts, recorded in the broadcast's store, and inbound texts, recorded
// in the account's database with what their keywords do.
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/api/broadcast_registry.h"
#include "engine/ingest/phone_number.h"

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

absl::StatusOr<InboundText> BroadcastRegistry::ReceiveText(InboundText text) {
  if (absl::Status s = Writable(); !s.ok()) return s;
  if (!inbound_.has_value()) {
    return absl::FailedPreconditionError(
        "the engine has no state directory: inbound texts are not kept");
  }
  const ReplyKeyword keyword = keywords_.Classify(text.message);
  absl::StatusOr<ReceivedText> received =
      inbound_->Record(std::move(text), keyword);
  if (!received.ok()) return received.status();
  if (!received->is_new) return received->text;
  // After the opt-out is in force: finding the broadcast may read stores.
  InboundText& recorded = received->text;
  recorded.campaign = Attribute(recorded);
  if (recorded.campaign != 0) {
    if (absl::Status s = inbound_->SetCampaign(recorded.id, recorded.campaign);
        !s.ok()) {
      return s;
    }
  }
  EngineEvent event;
  event.kind = EngineEvent::Kind::kInboundText;
  event.broadcast = recorded.campaign;
  event.inbound = recorded;
  events_.Publish(std::move(event));
  return recorded;
}

absl::StatusOr<InboundPage> BroadcastRegistry::FindInboundTexts(
    const InboundQuery& query) {
  if (!inbound_.has_value()) {
    return absl::FailedPreconditionError(
        "the engine has no state directory: inbound texts are not kept");
  }
  return inbound_->Find(query);
}

BroadcastId BroadcastRegistry::Attribute(const InboundText& text) {
  std::vector<LiveBroadcast*> all;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, b] : broadcasts_) all.push_back(b.get());
  }
  std::vector<BroadcastId> candidates;
  for (LiveBroadcast* b : all) {
    std::lock_guard lock(b->mu);
    if (SameNumber(b->broadcast.from_number, text.to)) {
      candidates.push_back(b->id);
    }
  }
  BroadcastId latest = 0;
  absl::Time latest_at = absl::InfinitePast();
  for (BroadcastId id : candidates) {
    absl::StatusOr<ReaderHandle> reader = Reader(id);
    if (!reader.ok()) continue;
    absl::StatusOr<std::optional<absl::Time>> at =
        (*reader)->LastSentTo(text.from);
    if (!at.ok() || !at->has_value() || **at <= latest_at) continue;
    latest = id;
    latest_at = **at;
  }
  return latest;
}

}  // namespace herald
