#include "engine/service/webhook_lanes.h"

#include <utility>

#include "engine/base/json_text.h"
#include "engine/store/partial_response.h"
#include "engine/webhook/webhook_source.h"
#include "herald/clock.h"

namespace herald {
namespace {

// Events per request; a singleEvent webhook takes them one by one.
constexpr int kBatchSize = 100;

// Whether a lane running `a` sends what one running `b` would.
bool SameDelivery(const Webhook& a, const Webhook& b) {
  return a.name == b.name && a.resource == b.resource &&
         a.callback == b.callback && a.single_event == b.single_event &&
         a.fields == b.fields;
}

// A webhook's events in the engine's outbox, as a notifier reads them.
class OutboxSource : public WebhookSource {
 public:
  OutboxSource(Engine* engine, Webhook webhook, FieldSelector fields,
               const WebhookLanes::RenderResources* render)
      : engine_(engine),
        webhook_(std::move(webhook)),
        fields_(std::move(fields)),
        render_(render) {}

  absl::StatusOr<size_t> ReadBatch(int limit) override {
    absl::StatusOr<std::vector<WebhookEvent>> events =
        engine_->PendingWebhookEvents(webhook_.id, limit);
    if (!events.ok()) return events.status();
    batch_ = *std::move(events);
    return batch_.size();
  }

  absl::Status AppendBatch(int64_t now_ms, std::string* out) override {
    absl::StatusOr<std::vector<nlohmann::json>> resources = (*render_)(batch_);
    if (!resources.ok()) return resources.status();
    std::vector<EnvelopeEvent> events;
    events.reserve(batch_.size());
    for (size_t i = 0; i < batch_.size(); ++i) {
      // A provider's words need not be UTF-8.
      events.push_back({absl::ToUnixMillis(batch_[i].at), batch_[i].event,
                        DumpJson(fields_.Apply((*resources)[i]))});
    }
    AppendWebhookEnvelope(webhook_.id, webhook_.name, webhook_.resource, now_ms,
                          events, out);
    return absl::OkStatus();
  }

  absl::Status Delivered() override {
    return engine_->WebhookEventsDelivered(webhook_.id, batch_.back().seq);
  }

  absl::StatusOr<uint64_t> CountLeft() override {
    return engine_->CountWebhookEvents(webhook_.id);
  }

 private:
  Engine* const engine_;
  const Webhook webhook_;
  const FieldSelector fields_;
  const WebhookLanes::RenderResources* const render_;
  std::vector<WebhookEvent> batch_;
};

}  // namespace

WebhookLanes::WebhookLanes(Engine* engine, std::string secret,
                           RenderResources render)
    : engine_(engine), secret_(std::move(secret)), render_(std::move(render)) {}

WebhookLanes::~WebhookLanes() {
  std::lock_guard lock(mu_);
  for (auto& [id, lane] : lanes_) {
    lane.notifier->Finish(absl::ZeroDuration()).IgnoreError();
  }
}

absl::Status WebhookLanes::Sync() {
  std::lock_guard lock(mu_);
  std::map<WebhookId, Webhook> wanted;
  if (signing()) {
    WebhookQuery query;
    query.enabled = true;
    query.limit = kMaxTextPageLimit;
    absl::StatusOr<WebhookPage> page = engine_->FindWebhooks(query);
    if (!page.ok()) return page.status();
    for (Webhook& webhook : page->items) {
      const WebhookId id = webhook.id;
      wanted.emplace(id, std::move(webhook));
    }
  }
  for (auto it = lanes_.begin(); it != lanes_.end();) {
    auto found = wanted.find(it->first);
    if (found != wanted.end() &&
        SameDelivery(found->second, it->second.webhook)) {
      wanted.erase(found);  // runs as it is
      ++it;
      continue;
    }
    it->second.notifier->Finish(absl::ZeroDuration()).IgnoreError();
    it = lanes_.erase(it);
  }
  absl::Status first_error;
  for (auto& [id, webhook] : wanted) {
    absl::StatusOr<FieldSelector> fields = FieldSelector::Parse(webhook.fields);
    if (!fields.ok()) {
      if (first_error.ok()) first_error = fields.status();
      continue;
    }
    WebhookConfig config;
    config.url = webhook.callback;
    config.id = static_cast<uint64_t>(id);
    config.name = webhook.name;
    config.secret = secret_;
    config.batch_size = webhook.single_event ? 1 : kBatchSize;
    auto source = std::make_unique<OutboxSource>(engine_, webhook,
                                                 *std::move(fields), &render_);
    // On the real clock: the waits of a lane are no instants of a run.
    absl::StatusOr<std::unique_ptr<WebhookNotifier>> notifier =
        WebhookNotifier::Start(std::move(source), std::move(config),
                               RealClock());
    if (!notifier.ok()) {
      if (first_error.ok()) first_error = notifier.status();
      continue;
    }
    lanes_[id] = Lane{std::move(webhook), *std::move(notifier)};
  }
  return first_error;
}

}  // namespace herald
