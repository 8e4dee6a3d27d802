// What a webhook notifier (webhook_notifier.h) sends: a source of events,
// read in batches in the order they happened and forgotten once delivered,
// and CallFire's envelope around a batch.
#ifndef HERALD_ENGINE_WEBHOOK_WEBHOOK_SOURCE_H_
#define HERALD_ENGINE_WEBHOOK_WEBHOOK_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace herald {

// One event of an envelope.
struct EnvelopeEvent {
  int64_t at_ms = 0;             // when it happened
  absl::string_view event_type;  // "Finished", "Started", ...
  std::string resource;          // the resource's JSON
};

// Appends the envelope CallFire posts to `*out`: {"timestamp", "webhookId",
// "webhookName", "resourceType", "events": [{"timestamp", "webhookId",
// "resourceType", "eventType", "resource"}]}, stamped `now_ms`.
void AppendWebhookEnvelope(uint64_t webhook_id, absl::string_view webhook_name,
                           absl::string_view resource_type, int64_t now_ms,
                           absl::Span<const EnvelopeEvent> events,
                           std::string* out);

// Used by the notifier's thread only.
class WebhookSource {
 public:
  virtual ~WebhookSource() = default;

  // Reads the oldest `limit` events not yet delivered as the batch,
  // replacing the one before, and returns how many there are.
  virtual absl::StatusOr<size_t> ReadBatch(int limit) = 0;
  // Appends the envelope of the batch read, stamped `now_ms`, to `*out`.
  virtual absl::Status AppendBatch(int64_t now_ms, std::string* out) = 0;
  // The batch read was delivered: its events go.
  virtual absl::Status Delivered() = 0;
  // The events not yet delivered.
  virtual absl::StatusOr<uint64_t> CountLeft() = 0;
};

// The webhook file's source: the `events` of the store at `db_path`, each a
// Finished OutboundText with the Text as `herald texts` shows it, in
// envelopes naming `webhook_id` and `webhook_name`. The store must hold its
// broadcast (its run id is the texts' campaignId): FailedPrecondition
// otherwise; errors name the path.
absl::StatusOr<std::unique_ptr<WebhookSource>> OpenStoreWebhookSource(
    const std::string& db_path, uint64_t webhook_id, std::string webhook_name);

}  // namespace herald

#endif  // HERALD_ENGINE_WEBHOOK_WEBHOOK_SOURCE_H_
