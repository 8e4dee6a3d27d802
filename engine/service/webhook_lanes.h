// The account's webhooks delivered by `herald serve`: one notifier
// (engine/webhook/webhook_notifier.h) per enabled webhook, which reads the
// webhook's events from the engine's outbox, posts them in CallFire's
// envelope with each resource in the API's shape, signs them with the
// server's secret, and takes them out of the outbox once the endpoint
// answers 2xx. A webhook's lane is started, restarted or stopped by Sync()
// when the webhooks change.
#ifndef HERALD_ENGINE_SERVICE_WEBHOOK_LANES_H_
#define HERALD_ENGINE_SERVICE_WEBHOOK_LANES_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "engine/webhook/webhook_notifier.h"
#include "herald/engine.h"
#include "herald/webhook.h"
#include "nlohmann/json.hpp"

namespace herald {

class WebhookLanes {
 public:
  // The resources of `events` (all of one webhook's resource), one each, in
  // order.
  using RenderResources =
      std::function<absl::StatusOr<std::vector<nlohmann::json>>(
          absl::Span<const WebhookEvent> events)>;

  // `engine` must outlive the lanes. An empty `secret` starts no lane:
  // events wait in the outbox until a server with one starts.
  WebhookLanes(Engine* engine, std::string secret, RenderResources render);
  // Stops every lane; a request in flight is abandoned, and its events
  // stay queued.
  ~WebhookLanes();
  WebhookLanes(const WebhookLanes&) = delete;
  WebhookLanes& operator=(const WebhookLanes&) = delete;

  bool signing() const { return !secret_.empty(); }

  // Makes the lanes match the webhooks there are: a lane for each enabled
  // one, started again when its definition changed. Thread-safe.
  absl::Status Sync();

 private:
  struct Lane {
    Webhook webhook;  // the definition it runs
    std::unique_ptr<WebhookNotifier> notifier;
  };

  Engine* const engine_;
  const std::string secret_;
  const RenderResources render_;
  std::mutex mu_;                    // one Sync() at a time
  std::map<WebhookId, Lane> lanes_;  // (mu_)
};

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_WEBHOOK_LANES_H_
