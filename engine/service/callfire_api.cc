#include "engine/service/callfire_api.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "engine/base/utf8.h"
#include "engine/service/api_json.h"

namespace herald {
namespace {

std::vector<std::string> Segments(absl::string_view path) {
  return absl::StrSplit(path, '/', absl::SkipEmpty());
}

}  // namespace

CallFireApi::CallFireApi(Engine* engine, CallFireApiOptions options)
    : engine_(engine),
      options_(std::move(options)),
      routes_({
          {"POST", Segments("/v2/texts/broadcasts"),
           &CallFireApi::CreateBroadcast},
          {"GET", Segments("/v2/texts/broadcasts"),
           &CallFireApi::FindBroadcasts},
          {"GET", Segments("/v2/texts/broadcasts/{}"),
           &CallFireApi::GetBroadcast},
          {"PUT", Segments("/v2/texts/broadcasts/{}"),
           &CallFireApi::UpdateBroadcast},
          {"POST", Segments("/v2/texts/broadcasts/{}/start"),
           &CallFireApi::StartBroadcast},
          {"POST", Segments("/v2/texts/broadcasts/{}/stop"),
           &CallFireApi::StopBroadcast},
          {"POST", Segments("/v2/texts/broadcasts/{}/archive"),
           &CallFireApi::ArchiveBroadcast},
          {"GET", Segments("/v2/texts/broadcasts/{}/batches"),
           &CallFireApi::FindBatches},
          {"POST", Segments("/v2/texts/broadcasts/{}/batches"),
           &CallFireApi::AddBatch},
          {"POST", Segments("/v2/texts/broadcasts/{}/recipients"),
           &CallFireApi::AddRecipients},
          {"GET", Segments("/v2/texts/broadcasts/{}/texts"),
           &CallFireApi::FindBroadcastTexts},
          {"GET", Segments("/v2/texts/broadcasts/{}/stats"),
           &CallFireApi::BroadcastStats},
          {"GET", Segments("/v2/texts/broadcasts/{}/progress"),
           &CallFireApi::ProgressOfBroadcast},
          {"GET", Segments("/"), &CallFireApi::StatusPage},
          {"GET", Segments("/v2/campaigns/batches/{}"), &CallFireApi::GetBatch},
          {"PUT", Segments("/v2/campaigns/batches/{}"),
           &CallFireApi::UpdateBatch},
          {"POST", Segments("/v2/contacts/dncs"), &CallFireApi::AddDncs},
          {"GET", Segments("/v2/contacts/dncs"), &CallFireApi::FindDncs},
          {"GET", Segments("/v2/contacts/dncs/{}"), &CallFireApi::GetDnc},
          {"PUT", Segments("/v2/contacts/dncs/{}"), &CallFireApi::UpdateDnc},
          {"DELETE", Segments("/v2/contacts/dncs/{}"),
           &CallFireApi::DeleteDncs},
          {"DELETE", Segments("/v2/contacts/dncs/sources/{}"),
           &CallFireApi::DeleteDncSource},
          {"GET", Segments("/v2/contacts/dncs/universals/{}"),
           &CallFireApi::UniversalDncs},
          {"POST", Segments("/v2/contacts/lists/upload"),
           &CallFireApi::UploadContactList},
          {"POST", Segments("/v2/contacts/lists"),
           &CallFireApi::CreateContactList},
          {"GET", Segments("/v2/contacts/lists"),
           &CallFireApi::FindContactLists},
          {"GET", Segments("/v2/contacts/lists/{}"),
           &CallFireApi::GetContactList},
          {"PUT", Segments("/v2/contacts/lists/{}"),
           &CallFireApi::UpdateContactList},
          {"DELETE", Segments("/v2/contacts/lists/{}"),
           &CallFireApi::DeleteContactList},
          {"GET", Segments("/v2/contacts/lists/{}/items"),
           &CallFireApi::ContactListContacts},
          {"POST", Segments("/v2/texts/auto-replys"),
           &CallFireApi::CreateAutoReply},
          {"GET", Segments("/v2/texts/auto-replys"),
           &CallFireApi::FindAutoReplies},
          {"GET", Segments("/v2/texts/auto-replys/{}"),
           &CallFireApi::GetAutoReply},
          {"DELETE", Segments("/v2/texts/auto-replys/{}"),
           &CallFireApi::DeleteAutoReply},
          {"GET", Segments("/v2/webhooks/resources"),
           &CallFireApi::WebhookResources},
          {"GET", Segments("/v2/webhooks/resources/{}"),
           &CallFireApi::GetWebhookResource},
          {"POST", Segments("/v2/webhooks"), &CallFireApi::CreateWebhook},
          {"GET", Segments("/v2/webhooks"), &CallFireApi::FindWebhooks},
          {"GET", Segments("/v2/webhooks/{}"), &CallFireApi::GetWebhook},
          {"PUT", Segments("/v2/webhooks/{}"), &CallFireApi::UpdateWebhook},
          {"DELETE", Segments("/v2/webhooks/{}"), &CallFireApi::DeleteWebhook},
          {"GET", Segments("/v2/texts"), &CallFireApi::FindTexts},
          {"POST", Segments("/v2/texts"), &CallFireApi::SendTexts},
          {"GET", Segments("/v2/texts/{}"), &CallFireApi::GetText},
      }),
      webhooks_(engine, options_.webhook_secret,
                [this](absl::Span<const WebhookEvent> events) {
                  return WebhookResourcesOf(events);
                }) {
  for (const BroadcastInfo& broadcast : engine_->ListBroadcasts()) {
    if (CampaignIdOf(broadcast) != 0) continue;
    default_campaign_.insert(broadcast.id);
    if (IsLive(broadcast.status)) default_open_ = broadcast.id;
  }
}

ServerResponse CallFireApi::Handle(const ServerRequest& request) {
  const std::vector<std::string> segments = Segments(request.path);
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      if (route.segments[i] == "{}") {
        params.push_back(segments[i]);
      } else {
        matches = route.segments[i] == segments[i];
      }
    }
    if (!matches) continue;
    if (request.method != route.method) {
      allowed.push_back(route.method);
      continue;
    }
    absl::StatusOr<ApiCall> call = ApiCall::Parse(request, std::move(params));
    if (!call.ok()) return ErrorResponse(call.status());
    try {
      return (this->*route.handler)(*call);
    } catch (const std::exception& e) {
      return ErrorResponse(absl::InternalError(absl::StrCat(
          request.method, " ", ValidUtf8(request.path), ": ", e.what())));
    }
  }
  if (!allowed.empty()) {
    ServerResponse response =
        ErrorResponse(405, absl::StrCat(ValidUtf8(request.path), " takes ",
                                        absl::StrJoin(allowed, ", "), ", not ",
                                        ValidUtf8(request.method)));
    response.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return response;
  }
  return ErrorResponse(absl::NotFoundError(
      absl::StrCat("no such resource: ", ValidUtf8(request.method), " ",
                   ValidUtf8(request.path))));
}

}  // namespace herald
