// The account's webhooks (herald/webhook.h) and their outbox: two tables of
// the account's database (account_db.h). An event is queued once for each
// enabled webhook watching it, in the transaction that decides it, and
// leaves the outbox only when its webhook's endpoint took it (Delivered) or
// the webhook goes.
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
  // checked as Create() does. NotFound when there is none.
  absl::Status Update(const Webhook& webhook, absl::Time now);
  // The webhook and its events in the outbox. NotFound when there is none.
  absl::Status Delete(WebhookId id);
  // InvalidArgument for a limit outside 0 to kMaxTextPageLimit.
  absl::StatusOr<WebhookPage> Find(const WebhookQuery& query) const;
  // Whether an enabled webhook watches `resource`'s `event`.
  absl::StatusOr<bool> Watched(absl::string_view resource,
                               absl::string_view event) const;

  // Queues each of `events` (their seq and webhook ignored) for every
  // enabled webhook watching `resource`'s event, in one transaction.
  absl::Status Enqueue(absl::string_view resource,
                       absl::Span<const WebhookEvent> events);
  // Records `status` as the broadcast's, and when it is a change from the
  // one recorded before queues its TextBroadcast event (RUNNING: Started,
  // STOPPED: Stopped, FINISHED: Finished), in one transaction. With
  // `only_if_recorded`, a broadcast with no status recorded yet gets none
  // and no event: at open, an event the engine did not record before it
  // stopped is made good, and a broadcast from before webhooks is left
  // alone.
  absl::Status RecordBroadcastStatus(int64_t broadcast,
                                     absl::string_view status, absl::Time at,
                                     bool only_if_recorded);
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
