// The account's webhooks (herald/webhook.h) and their outbox: tables of the
// account's database (account_db.h). The engine moves each broadcast's
// events here from its store's feed_events (EnqueueFeed): each is queued
// once for every enabled webhook that watches it and was made before it
// happened, and leaves the outbox only when its webhook's endpoint took it
// (Delivered) or the webhook stops watching it.
#ifndef HERALD_ENGINE_STORE_ACCOUNT_WEBHOOKS_H_
#define HERALD_ENGINE_STORE_ACCOUNT_WEBHOOKS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "engine/store/account_db.h"
#include "herald/webhook.h"

namespace herald {

class AccountWebhooks {
 public:
  static constexpr int kMaxWebhooks = 64;

  // `db` must outlive it.
  explicit AccountWebhooks(const AccountDb* db) : db_(db) {}

  // Keeps `webhook` (its id and times ignored; created and updated at
  // `now`) and returns its id. InvalidArgument naming the field for an
  // empty name, an unknown resource, no events or one the resource lacks,
  // a callback that is not an http:// or https:// URL or that carries
  // credentials, or fields that do not parse; ResourceExhausted when the
  // account has kMaxWebhooks already.
  absl::StatusOr<WebhookId> Create(const Webhook& webhook, absl::Time now);
  // NotFound when there is none with this id.
  absl::StatusOr<Webhook> Get(WebhookId id) const;
  // Replaces webhook.id's definition (updated at `now`, created kept);
  // checked as Create() does. Its queued events of a resource or an event
  // it no longer watches go. NotFound when there is none.
  absl::Status Update(const Webhook& webhook, absl::Time now);
  // The webhook and its events in the outbox. NotFound when there is none.
  absl::Status Delete(WebhookId id);
  // InvalidArgument for a limit outside 0 to kMaxTextPageLimit.
  absl::StatusOr<WebhookPage> Find(const WebhookQuery& query) const;
  // Whether an enabled webhook watches `resource`'s `event`.
  absl::StatusOr<bool> Watched(absl::string_view resource,
                               absl::string_view event) const;

  // Queues each of `events` (their seq and webhook ignored), broadcast
  // `broadcast`'s from its store's feed_events up to `through_seq`, and
  // records `through_seq` as FeedMark(broadcast), in one transaction.
  absl::Status EnqueueFeed(int64_t broadcast, int64_t through_seq,
                           absl::Span<const WebhookEvent> events);
  // The last feed_events seq of `broadcast` queued so far; 0 before any.
  absl::StatusOr<int64_t> FeedMark(int64_t broadcast) const;
  // The `limit` oldest events queued for webhook `id`.
  absl::StatusOr<std::vector<WebhookEvent>> Pending(WebhookId id,
                                                    int limit) const;
  // Removes webhook `id`'s events up to `seq`, which its endpoint took.
  absl::Status Delivered(WebhookId id, int64_t seq);
  // The events queued for webhook `id`.
  absl::StatusOr<uint64_t> CountPending(WebhookId id) const;

 private:
  const AccountDb* const db_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_STORE_ACCOUNT_WEBHOOKS_H_
