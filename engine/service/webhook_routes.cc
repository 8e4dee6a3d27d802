// The account's webhooks: POST|GET /v2/webhooks, GET|PUT|DELETE
// /v2/webhooks/{id}, GET /v2/webhooks/resources[/{resource}], and the
// resources their events carry (docs/API.md, docs/WEBHOOKS.md).
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/base/json_field.h"
#include "engine/service/api_json.h"
#include "engine/service/callfire_api.h"

namespace herald {
namespace {

nlohmann::json WebhookJson(const Webhook& webhook) {
  nlohmann::json out = {{"id", webhook.id},
                        {"name", webhook.name},
                        {"resource", webhook.resource},
                        {"events", webhook.events},
                        {"callback", webhook.callback},
                        {"enabled", webhook.enabled},
                        {"singleEvent", webhook.single_event},
                        {"createdAt", absl::ToUnixMillis(webhook.created)},
                        {"updatedAt", absl::ToUnixMillis(webhook.updated)}};
  if (!webhook.fields.empty()) out["fields"] = webhook.fields;
  return out;
}

nlohmann::json ResourceJson(const WebhookResource& resource) {
  return {{"resource", resource.resource},
          {"supportedEvents", resource.events}};
}

// Applies the members `root` has to `*webhook`: the whole of a POST, the
// part a PUT changes.
absl::Status ApplyWebhookFields(const JsonField& root, Webhook* webhook) {
  const auto ignored = [](const JsonField&) { return absl::OkStatus(); };
  return root.Object({
      // Read only: as GET answers them, so that a webhook read can be sent
      // back.
      {"id", ignored},
      {"createdAt", ignored},
      {"updatedAt", ignored},
      {"name",
       [&](const JsonField& f) {
         return AssignField(&webhook->name, [&] { return NonEmptyString(f); });
       }},
      {"resource",
       [&](const JsonField& f) {
         return AssignField(&webhook->resource,
                            [&] { return NonEmptyString(f); });
       }},
      {"events",
       [&](const JsonField& f) {
         webhook->events.clear();
         return f.Array([&](const JsonField& event) {
           return AssignField(&webhook->events.emplace_back(),
                              [&] { return NonEmptyString(event); });
         });
       }},
      {"callback",
       [&](const JsonField& f) {
         return AssignField(&webhook->callback,
                            [&] { return NonEmptyString(f); });
       }},
      {"enabled",
       [&](const JsonField& f) {
         return AssignField(&webhook->enabled, [&] { return f.Bool(); });
       }},
      {"singleEvent",
       [&](const JsonField& f) {
         return AssignField(&webhook->single_event, [&] { return f.Bool(); });
       }},
      {"fields",
       [&](const JsonField& f) {
         return AssignField(&webhook->fields, [&] { return f.String(); });
       }},
      {"secret",
       [](const JsonField& f) {
         return f.Error(
             "herald signs every webhook with the server's secret "
             "(--webhook-secret-file or HERALD_WEBHOOK_SECRET) and keeps "
             "none in the account; leave it out");
       }},
  });
}

}  // namespace

ServerResponse CallFireApi::CreateWebhook(const ApiCall& call) {
  if (!webhooks_.signing()) {
    return ErrorResponse(absl::FailedPreconditionError(
        "webhooks: this server has no signing secret: start herald serve "
        "with --webhook-secret-file or HERALD_WEBHOOK_SECRET"));
  }
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  const JsonField root(kBody, "", *body);
  Webhook webhook;
  if (absl::Status s = ApplyWebhookFields(root, &webhook); !s.ok()) {
    return ErrorResponse(s);
  }
  for (const auto& [member, value] : {std::pair{"name", &webhook.name},
                                      {"resource", &webhook.resource},
                                      {"callback", &webhook.callback}}) {
    if (value->empty()) {
      return ErrorResponse(root.Error(absl::StrCat(member, ": give it")));
    }
  }
  absl::StatusOr<WebhookId> id = engine_->CreateWebhook(webhook);
  if (!id.ok()) return ErrorResponse(id.status());
  SyncLanes();
  return call.Json({{"id", *id}});
}

ServerResponse CallFireApi::FindWebhooks(const ApiCall& call) {
  absl::StatusOr<ApiPaging> paging = call.Paging();
  if (!paging.ok()) return ErrorResponse(paging.status());
  absl::StatusOr<std::optional<bool>> enabled = call.QueryBool("enabled");
  if (!enabled.ok()) return ErrorResponse(enabled.status());
  WebhookQuery query;
  query.name = call.Query("name");
  query.resource = call.Query("resource");
  query.event = call.Query("event");
  query.callback = call.Query("callback");
  query.enabled = *enabled;
  query.offset = paging->offset;
  query.limit = paging->limit;
  absl::StatusOr<WebhookPage> page = engine_->FindWebhooks(query);
  if (!page.ok()) return ErrorResponse(page.status());
  nlohmann::json items = nlohmann::json::array();
  for (const Webhook& webhook : page->items) {
    items.push_back(WebhookJson(webhook));
  }
  return call.Page(std::move(items), *paging, page->total_count);
}

ServerResponse CallFireApi::GetWebhook(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "webhook");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<Webhook> webhook = engine_->GetWebhook(*id);
  if (!webhook.ok()) return ErrorResponse(webhook.status());
  return call.Json(WebhookJson(*webhook));
}

ServerResponse CallFireApi::UpdateWebhook(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "webhook");
  if (!id.ok()) return ErrorResponse(id.status());
  absl::StatusOr<nlohmann::json> body = call.Body();
  if (!body.ok()) return ErrorResponse(body.status());
  absl::StatusOr<Webhook> webhook = engine_->GetWebhook(*id);
  if (!webhook.ok()) return ErrorResponse(webhook.status());
  if (absl::Status s =
          ApplyWebhookFields(JsonField(kBody, "", *body), &*webhook);
      !s.ok()) {
    return ErrorResponse(s);
  }
  if (absl::Status s = engine_->UpdateWebhook(*webhook); !s.ok()) {
    return ErrorResponse(s);
  }
  SyncLanes();
  return EmptyOk();
}

ServerResponse CallFireApi::DeleteWebhook(const ApiCall& call) {
  absl::StatusOr<int64_t> id = call.PathId(0, "webhook");
  if (!id.ok()) return ErrorResponse(id.status());
  if (absl::Status s = engine_->DeleteWebhook(*id); !s.ok()) {
    return ErrorResponse(s);
  }
  SyncLanes();
  return NoContent();
}

ServerResponse CallFireApi::WebhookResources(const ApiCall& call) {
  nlohmann::json items = nlohmann::json::array();
  for (const WebhookResource& resource : herald::WebhookResources()) {
    items.push_back(ResourceJson(resource));
  }
  return call.Json({{"items", std::move(items)}});
}

ServerResponse CallFireApi::GetWebhookResource(const ApiCall& call) {
  absl::StatusOr<std::string> name = call.PathText(0);
  if (!name.ok()) return ErrorResponse(name.status());
  for (const WebhookResource& resource : herald::WebhookResources()) {
    if (resource.resource == *name) return call.Json(ResourceJson(resource));
  }
  return ErrorResponse(
      absl::NotFoundError(absl::StrCat("no webhook resource \"", *name, "\"")));
}

void CallFireApi::SyncLanes() {
  // The change is made: the caller hears of it whatever the lanes say (a
  // retry would make a second webhook). A lane that cannot start now, its
  // events kept, starts at the next change or the next start of the server.
  webhooks_.Sync().IgnoreError();
}

absl::StatusOr<std::vector<nlohmann::json>> CallFireApi::WebhookResourcesOf(
    absl::Span<const WebhookEvent> events) {
  // The texts of each broadcast in one query.
  std::map<BroadcastId, std::vector<uint64_t>> text_ids;
  for (const WebhookEvent& event : events) {
    if (event.text != 0) text_ids[event.broadcast].push_back(event.text);
  }
  std::map<std::pair<BroadcastId, uint64_t>, nlohmann::json> texts;
  for (const auto& [broadcast, ids] : text_ids) {
    TextQuery query;
    query.ids = ids;
    absl::StatusOr<TextPage> page = engine_->FindTexts(broadcast, query);
    if (!page.ok()) return page.status();
    for (const TextRecord& text : page->items) {
      texts[{broadcast, text.id}] = TextJson(broadcast, text);
    }
  }
  std::vector<nlohmann::json> resources;
  resources.reserve(events.size());
  for (const WebhookEvent& event : events) {
    if (event.text != 0) {
      auto it = texts.find({event.broadcast, event.text});
      if (it == texts.end()) {
        return absl::DataLossError(absl::StrCat("webhook event ", event.seq,
                                                ": broadcast ", event.broadcast,
                                                " holds no text ", event.text));
      }
      resources.push_back(it->second);
      continue;
    }
    absl::StatusOr<BroadcastInfo> broadcast =
        engine_->GetBroadcast(event.broadcast);
    if (!broadcast.ok()) return broadcast.status();
    nlohmann::json resource = BroadcastJson(*broadcast);
    // As it was when the event happened, not as it is now.
    resource["status"] = event.status;
    resources.push_back(std::move(resource));
  }
  return resources;
}

}  // namespace herald
