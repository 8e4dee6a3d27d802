// CallFire's v2 REST API over an Engine: the routes of `herald serve`
// (docs/API.md). Each HTTP request is matched to a route by method and
// path, its parameters and body are checked, and the Engine is called;
// every answer is in CallFire's shapes (api_call.h).
#ifndef HERALD_ENGINE_SERVICE_CALLFIRE_API_H_
#define HERALD_ENGINE_SERVICE_CALLFIRE_API_H_

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "engine/service/api_call.h"
#include "engine/service/http_server.h"
#include "engine/service/webhook_lanes.h"
#include "herald/engine.h"

namespace herald {

struct CallFireApiOptions {
  // The provider every broadcast created over the API sends through (a name
  // in the engine's providers file); empty: each broadcast's outbox.
  std::string provider;
  // Where uploads (POST /v2/contacts/lists/upload) are written as they
  // arrive, on the state directory's file system; empty: no uploads.
  std::string upload_dir;
  // The key every webhook's requests are signed with (docs/WEBHOOKS.md);
  // empty: webhooks cannot be made, and those there are wait.
  std::string webhook_secret;
};

class CallFireApi {
 public:
  // `engine` must outlive the API.
  CallFireApi(Engine* engine, CallFireApiOptions options);

  // Answers one request; thread-safe, never throws. 404 in CallFire's error
  // shape for a path no route has, 405 for a method the path does not take.
  ServerResponse Handle(const ServerRequest& request);
  // The HttpServer's SinkFactory: a MultipartForm writing into upload_dir
  // for an upload, nullptr for every other request.
  absl::StatusOr<std::shared_ptr<BodySink>> SinkFor(
      const ServerRequest& request) const;
  // Starts delivering the events of the account's webhooks (none without a
  // webhook secret).
  absl::Status StartWebhooks() { return webhooks_.Sync(); }
  bool SignsWebhooks() const { return webhooks_.signing(); }

 private:
  using Handler = ServerResponse (CallFireApi::*)(const ApiCall&);
  struct Route {
    const char* method;
    // Segments of the path; "{}" matches one segment, which the handler
    // finds in ApiCall::path().
    std::vector<std::string> segments;
    Handler handler;
  };

  // Text broadcasts (broadcast_routes.cc).
  ServerResponse CreateBroadcast(const ApiCall& call);
  ServerResponse FindBroadcasts(const ApiCall& call);
  ServerResponse GetBroadcast(const ApiCall& call);
  ServerResponse UpdateBroadcast(const ApiCall& call);
  ServerResponse StartBroadcast(const ApiCall& call);
  ServerResponse StopBroadcast(const ApiCall& call);
  ServerResponse ArchiveBroadcast(const ApiCall& call);
  ServerResponse FindBatches(const ApiCall& call);
  ServerResponse AddBatch(const ApiCall& call);
  ServerResponse GetBatch(const ApiCall& call);
  ServerResponse UpdateBatch(const ApiCall& call);
  ServerResponse AddRecipients(const ApiCall& call);
  // Adds `recipients` to broadcast `id` as a batch of their own and returns
  // the Text actions made, READY (POST .../recipients and POST /v2/texts).
  absl::StatusOr<nlohmann::json> AddTexts(const ApiCall& call, BroadcastId id,
                                          std::vector<Recipient> recipients);
  ServerResponse BroadcastStats(const ApiCall& call);
  // The do-not-contact list (account_routes.cc).
  ServerResponse AddDncs(const ApiCall& call);
  ServerResponse FindDncs(const ApiCall& call);
  ServerResponse GetDnc(const ApiCall& call);
  ServerResponse UpdateDnc(const ApiCall& call);
  ServerResponse DeleteDncs(const ApiCall& call);
  ServerResponse DeleteDncSource(const ApiCall& call);
  ServerResponse UniversalDncs(const ApiCall& call);
  // Auto-replies (account_routes.cc).
  ServerResponse CreateAutoReply(const ApiCall& call);
  ServerResponse FindAutoReplies(const ApiCall& call);
  ServerResponse GetAutoReply(const ApiCall& call);
  ServerResponse DeleteAutoReply(const ApiCall& call);
  // Contact lists (contact_list_routes.cc).
  ServerResponse UploadContactList(const ApiCall& call);
  ServerResponse CreateContactList(const ApiCall& call);
  ServerResponse FindContactLists(const ApiCall& call);
  ServerResponse GetContactList(const ApiCall& call);
  ServerResponse UpdateContactList(const ApiCall& call);
  ServerResponse DeleteContactList(const ApiCall& call);
  ServerResponse ContactListContacts(const ApiCall& call);
  // Webhooks (webhook_routes.cc).
  ServerResponse CreateWebhook(const ApiCall& call);
  ServerResponse FindWebhooks(const ApiCall& call);
  ServerResponse GetWebhook(const ApiCall& call);
  ServerResponse UpdateWebhook(const ApiCall& call);
  ServerResponse DeleteWebhook(const ApiCall& call);
  ServerResponse WebhookResources(const ApiCall& call);
  ServerResponse GetWebhookResource(const ApiCall& call);
  // Makes the lanes match the webhooks after a change of them.
  void SyncLanes();
  // The resources of webhook events, as the API shows them: the Text now,
  // the TextBroadcast with the status it had then.
  absl::StatusOr<std::vector<nlohmann::json>> WebhookResourcesOf(
      absl::Span<const WebhookEvent> events);
  // The status page and the progress it shows (status_routes.cc).
  ServerResponse StatusPage(const ApiCall& call);
  ServerResponse ProgressOfBroadcast(const ApiCall& call);
  // Texts (text_routes.cc).
  ServerResponse FindBroadcastTexts(const ApiCall& call);
  ServerResponse FindTexts(const ApiCall& call);
  ServerResponse SendTexts(const ApiCall& call);
  ServerResponse GetText(const ApiCall& call);

  // CallFire's default campaign (api_json.h): the broadcast that ad-hoc
  // texts go to now, made (kept open, started) when there is none or
  // `replacing` is the one that cannot take more.
  absl::StatusOr<BroadcastId> DefaultCampaign(BroadcastId replacing);
  // The campaignId of broadcast `id`'s texts.
  int64_t CampaignOf(BroadcastId id) const;
  // GET /v2/texts?inbound=true: the account's inbound texts, by campaignId
  // and fromNumber.
  ServerResponse FindInboundTexts(const ApiCall& call, const ApiPaging& paging);
  // ApiTextJson with CampaignOf.
  nlohmann::json TextJson(BroadcastId id, const TextRecord& text) const;

  Engine* const engine_;
  const CallFireApiOptions options_;
  const std::vector<Route> routes_;
  mutable std::mutex default_mu_;
  // Every broadcast of the default campaign, and the one in use (0: none).
  std::set<BroadcastId> default_campaign_;  // (default_mu_)
  BroadcastId default_open_ = 0;            // (default_mu_)
  // Last: its lanes call WebhookResourcesOf until they stop.
  WebhookLanes webhooks_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_CALLFIRE_API_H_
