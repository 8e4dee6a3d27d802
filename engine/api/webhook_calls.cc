// The registry's calls about the account's webhooks: their definitions,
// the outbox their endpoints read, and the feed that fills it with the
// stores' events (texts that ended, statuses that changed).
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

// The TextBroadcast event of a broadcast's new status, or null for a
// status that is none.
const char* EventOfStatus(absl::string_view status) {
  if (status == "RUNNING") return "Started";
  if (status == "STOPPED") return "Stopped";
  if (status == "FINISHED") return "Finished";
  return nullptr;
}

// `call` on the account's webhooks, or the error of getting them.
template <typename Call>
auto OnWebhooks(absl::StatusOr<AccountWebhooks*> webhooks, Call call)
    -> decltype(call(std::declval<AccountWebhooks&>())) {
  if (!webhooks.ok()) return webhooks.status();
  return call(**webhooks);
}

}  // namespace

void BroadcastRegistry::AttachAccount(LiveBroadcast* b) {
  if (options_.read_only || !webhooks_.has_value()) return;
  b->feed_wanted = &feed_wanted_;
}

absl::StatusOr<AccountWebhooks*> BroadcastRegistry::Webhooks(
    absl::string_view what) {
  if (!webhooks_.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": webhooks need a state directory"));
  }
  return &*webhooks_;
}

void BroadcastRegistry::RefreshFeedWanted() {
  std::lock_guard lock(feed_wanted_mu_);
  feed_wanted_ = webhooks_->Watched("OutboundText", "Finished").value_or(true);
}

absl::StatusOr<WebhookId> BroadcastRegistry::CreateWebhook(
    const Webhook& webhook) {
  absl::StatusOr<WebhookId> id = OnWebhooks(
      Webhooks("webhook"),
      [&](AccountWebhooks& w) { return w.Create(webhook, clock_->Now()); });
  // Before the call returns: texts that end from now on have their event.
  if (id.ok()) RefreshFeedWanted();
  return id;
}

absl::StatusOr<Webhook> BroadcastRegistry::GetWebhook(WebhookId id) {
  return OnWebhooks(Webhooks("webhook"),
                    [&](AccountWebhooks& w) { return w.Get(id); });
}

absl::Status BroadcastRegistry::UpdateWebhook(const Webhook& webhook) {
  absl::Status s = OnWebhooks(Webhooks("webhook"), [&](AccountWebhooks& w) {
    return w.Update(webhook, clock_->Now());
  });
  if (s.ok()) RefreshFeedWanted();
  return s;
}

absl::Status BroadcastRegistry::DeleteWebhook(WebhookId id) {
  absl::Status s = OnWebhooks(Webhooks("webhook"),
                              [&](AccountWebhooks& w) { return w.Delete(id); });
  if (s.ok()) RefreshFeedWanted();
  return s;
}

absl::StatusOr<WebhookPage> BroadcastRegistry::FindWebhooks(
    const WebhookQuery& query) {
  return OnWebhooks(Webhooks("webhooks"),
                    [&](AccountWebhooks& w) { return w.Find(query); });
}

absl::StatusOr<std::vector<WebhookEvent>>
BroadcastRegistry::PendingWebhookEvents(WebhookId id, int limit) {
  return OnWebhooks(Webhooks("webhook events"), [&](AccountWebhooks& w) {
    if (!options_.read_only) CollectFeed();
    return w.Pending(id, limit);
  });
}

absl::Status BroadcastRegistry::WebhookEventsDelivered(WebhookId id,
                                                       int64_t seq) {
  return OnWebhooks(Webhooks("webhook events"),
                    [&](AccountWebhooks& w) { return w.Delivered(id, seq); });
}

absl::StatusOr<uint64_t> BroadcastRegistry::CountWebhookEvents(WebhookId id) {
  return OnWebhooks(Webhooks("webhook events"),
                    [&](AccountWebhooks& w) { return w.CountPending(id); });
}

void BroadcastRegistry::CollectFeed() {
  std::unique_lock collecting(collect_mu_, std::try_to_lock);
  if (!collecting.owns_lock()) return;
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
  std::vector<StoreEvent> read;
  std::vector<WebhookEvent> events;
  for (LiveBroadcast* b : pending) {
    absl::Status s;
    if (b->feed_table == nullptr) {
      absl::StatusOr<std::unique_ptr<EventTable>> table =
          EventTable::Open(StorePath(b->dir), EventTable::Table::kFeedEvents);
      // What the outbox has is skipped (and deleted, if a crash left it).
      absl::StatusOr<int64_t> mark = webhooks_->FeedMark(b->id);
      s = table.ok() ? mark.status() : table.status();
      if (s.ok()) {
        b->feed_table = *std::move(table);
        b->feed_table->Consumed(*mark).IgnoreError();
      }
    }
    bool more = s.ok();
    for (int round = 0; more && round < kFeedRounds; ++round) {
      s = b->feed_table->ReadOldest(kFeedBatch, &read);
      if (!s.ok() || read.empty()) break;
      events.clear();
      for (const StoreEvent& e : read) {
        WebhookEvent event;
        event.at = absl::FromUnixMillis(e.at_ms);
        event.broadcast = b->id;
        if (e.text_id != 0) {
          event.resource = "OutboundText";
          event.event = "Finished";
          event.text = e.text_id;
        } else if (const char* name = EventOfStatus(e.status)) {
          event.resource = "TextBroadcast";
          event.event = name;
          event.status = e.status;
        } else {
          continue;
        }
        events.push_back(std::move(event));
      }
      // The outbox keeps the last seq it took with the events: each goes in
      // once, whatever fails or stops between this and the store's delete.
      s = webhooks_->EnqueueFeed(b->id, read.back().seq, events);
      if (s.ok()) b->feed_table->Consumed(read.back().seq).IgnoreError();
      more = s.ok() && read.size() == static_cast<size_t>(kFeedBatch);
    }
    if (more || !s.ok()) {
      b->feed_pending = true;  // the next collection
    } else {
      // Nothing is coming now: a done broadcast's store holds no
      // connection of the feed's (its next event opens one).
      b->feed_table.reset();
    }
  }
}

}  // namespace herald
