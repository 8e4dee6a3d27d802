// CallFire's webhooks: the account's subscriptions to the events of one
// resource, posted in signed batches to a callback URL (docs/WEBHOOKS.md),
// and the events waiting for them in the account's outbox.
#ifndef HERALD_WEBHOOK_H_
#define HERALD_WEBHOOK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace herald {

using WebhookId = int64_t;  // 1, 2, ... in the order they were made

struct Webhook {
  WebhookId id = 0;
  std::string name;
  std::string resource;             // one of WebhookResources()
  std::vector<std::string> events;  // of its events, each once
  std::string callback;             // an http:// or https:// URL
  bool enabled = true;
  bool single_event = false;  // one event per request instead of batches
  // CallFire's partial response of each event's resource; empty: all of it.
  std::string fields;
  absl::Time created;
  absl::Time updated;
};

struct WebhookQuery {
  std::optional<std::string> name;      // the whole name
  std::optional<std::string> resource;  // the resource
  std::optional<std::string> event;     // one of its events
  std::optional<std::string> callback;  // the whole URL
  std::optional<bool> enabled;
  uint64_t offset = 0;
  int limit = 100;  // 0 to kMaxTextPageLimit
};

struct WebhookPage {
  std::vector<Webhook> items;  // by id
  uint64_t offset = 0;
  int limit = 0;
  uint64_t total_count = 0;
};

// A resource webhooks may watch, and its events.
struct WebhookResource {
  std::string resource;
  std::vector<std::string> events;
};

// OutboundText (Finished: a text reached a final state) and TextBroadcast
// (Started, Stopped, Finished).
const std::vector<WebhookResource>& WebhookResources();

// An event in the outbox, waiting for its webhook's endpoint to take it.
struct WebhookEvent {
  int64_t seq = 0;  // the outbox's order; ascending per webhook
  WebhookId webhook = 0;
  std::string resource;  // "OutboundText", "TextBroadcast"
  std::string event;     // "Finished", "Started", "Stopped"
  absl::Time at;         // when it happened
  int64_t broadcast = 0;
  // OutboundText: the text's store id (herald/texts.h); 0 otherwise.
  uint64_t text = 0;
  // TextBroadcast: the broadcast's status then ("RUNNING", ...).
  std::string status;
};

}  // namespace herald

#endif  // HERALD_WEBHOOK_H_
