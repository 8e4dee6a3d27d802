// The registry's calls about the account's webhooks: their definitions,
// the outbox their endpoints read, and the feed that fills it with the
// texts' Finished events.
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/api/broadcast_registry.h"
#include "engine/store/event_table.h"
#include "engine/store/sqlite_store.h"

namespace herald {
namespace {

// Events moved from one store in one go, and goes per store per
// collection: a store far behind yields to the others and to the caller.
constexpr int kFeedBatch = 1000;
constexpr int kFeedRounds = 8;

}  // namespace

void BroadcastRegistry::AttachAccount(LiveBroadcast* b) {
  if (!webhooks_.has_value()) return;
  b->webhooks = &*webhooks_;
  b->feed_wanted = &feed_wanted_;
  b->clock = clock_;
}

absl::StatusOr<AccountWebhooks*> BroadcastRegistry::Webhooks(
    absl::string_view what) {
  if (options_.state_dir.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": webhooks need a state directory"));
  }
  if (!webhooks_.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, ": the engine was opened read_only: webhooks are not kept"));
  }
  return &*webhooks_;
}

absl::Status BroadcastRegistry::RefreshFeedWanted() {
  absl::StatusOr<bool> watched = webhooks_->Watched("OutboundText", "Finished");
  if (!watched.ok()) return watched.status();
  feed_wanted_ = *watched;
  return absl::OkStatus();
}

absl::StatusOr<WebhookId> BroadcastRegistry::CreateWebhook(
    const Webhook& webhook) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhook");
  if (!webhooks.ok()) return webhooks.status();
  absl::StatusOr<WebhookId> id = (*webhooks)->Create(webhook, clock_->Now());
  if (!id.ok()) return id.status();
  // Before the call returns: texts that end from now on have their event.
  if (absl::Status s = RefreshFeedWanted(); !s.ok()) return s;
  return id;
}

absl::StatusOr<Webhook> BroadcastRegistry::GetWebhook(WebhookId id) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhook");
  if (!webhooks.ok()) return webhooks.status();
  return (*webhooks)->Get(id);
}

absl::Status BroadcastRegistry::UpdateWebhook(const Webhook& webhook) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhook");
  if (!webhooks.ok()) return webhooks.status();
  if (absl::Status s = (*webhooks)->Update(webhook, clock_->Now()); !s.ok()) {
    return s;
  }
  return RefreshFeedWanted();
}

absl::Status BroadcastRegistry::DeleteWebhook(WebhookId id) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhook");
  if (!webhooks.ok()) return webhooks.status();
  if (absl::Status s = (*webhooks)->Delete(id); !s.ok()) return s;
  return RefreshFeedWanted();
}

absl::StatusOr<WebhookPage> BroadcastRegistry::FindWebhooks(
    const WebhookQuery& query) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhooks");
  if (!webhooks.ok()) return webhooks.status();
  return (*webhooks)->Find(query);
}

absl::StatusOr<std::vector<WebhookEvent>>
BroadcastRegistry::PendingWebhookEvents(WebhookId id, int limit) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhook events");
  if (!webhooks.ok()) return webhooks.status();
  if (absl::Status s = CollectFeed(); !s.ok()) return s;
  return (*webhooks)->Pending(id, limit);
}

absl::Status BroadcastRegistry::WebhookEventsDelivered(WebhookId id,
                                                       int64_t seq) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhook events");
  if (!webhooks.ok()) return webhooks.status();
  return (*webhooks)->Delivered(id, seq);
}

absl::StatusOr<uint64_t> BroadcastRegistry::CountWebhookEvents(WebhookId id) {
  absl::StatusOr<AccountWebhooks*> webhooks = Webhooks("webhook events");
  if (!webhooks.ok()) return webhooks.status();
  if (absl::Status s = CollectFeed(); !s.ok()) return s;
  return (*webhooks)->CountPending(id);
}

absl::Status BroadcastRegistry::CollectFeed() {
  std::unique_lock collecting(collect_mu_, std::try_to_lock);
  if (!collecting.owns_lock()) return absl::OkStatus();
  std::vector<LiveBroadcast*> pending;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, b] : broadcasts_) {
      // Cleared before reading: a commit meanwhile sets it again.
      if (b->store != nullptr && b->feed_pending.exchange(false)) {
        pending.push_back(b.get());
      }
    }
  }
  absl::Status first_error;
  std::vector<StoreEvent> read;
  std::vector<WebhookEvent> events;
  for (LiveBroadcast* b : pending) {
    absl::Status s;
    if (b->feed_table == nullptr) {
      absl::StatusOr<std::unique_ptr<EventTable>> table =
          EventTable::Open(StorePath(b->dir), "feed_events");
      if (table.ok()) b->feed_table = *std::move(table);
      s = table.status();
    }
    bool more = s.ok();
    for (int round = 0; more && round < kFeedRounds; ++round) {
      s = b->feed_table->ReadOldest(kFeedBatch, &read);
      if (s.ok() && read.empty() && round == 0) {
        // Nothing came since the last collection: a done broadcast's
        // store holds no connection of the feed's.
        b->feed_table.reset();
      }
      if (!s.ok() || read.empty()) break;
      events.clear();
      for (const StoreEvent& e : read) {
        WebhookEvent& event = events.emplace_back();
        event.event = "Finished";
        event.at = absl::FromUnixMillis(e.at_ms);
        event.broadcast = b->id;
        event.text = e.text_id;
      }
      // Queued, then consumed: a crash between the two queues them again
      // (at least once), never loses them.
      s = webhooks_->Enqueue("OutboundText", events);
      if (s.ok()) s = b->feed_table->Consumed(read.back().seq);
      more = s.ok() && read.size() == static_cast<size_t>(kFeedBatch);
    }
    if (more || !s.ok()) b->feed_pending = true;  // the next collection
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  return first_error;
}

}  // namespace herald
