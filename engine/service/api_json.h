// The Engine's records in the CallFire API's JSON shapes, and the API's
// recipients read from JSON.
#ifndef HERALD_ENGINE_SERVICE_API_JSON_H_
#define HERALD_ENGINE_SERVICE_API_JSON_H_

#include <vector>

#include "absl/status/statusor.h"
#include "engine/base/json_field.h"
#include "herald/engine.h"
#include "herald/texts.h"
#include "nlohmann/json.hpp"

namespace herald {

// The TextBroadcast: the definition as given, with the read-only `id` and
// `status`, and `name`/`fromNumber` as the engine took them (defaults
// included).
nlohmann::json BroadcastJson(const BroadcastInfo& broadcast);

// {"id", "name", "status", "broadcastId", "created", "size", "remaining",
//  "enabled"}, the id an API batch id (api_ids.h).
nlohmann::json BatchJson(BroadcastId broadcast, const BatchInfo& batch);

// The Text (engine/store/text_record.h's TextJson) with the API's ids: its
// own and its batch's (api_ids.h), and `campaign` as `campaignId`.
// Attempt records carry `attempt` and no id of their own.
nlohmann::json ApiTextJson(BroadcastId broadcast, int64_t campaign,
                           const TextRecord& text);

// An inbound text as CallFire's Text: its id (api_ids.h: below every
// outbound text's), fromNumber the sender, toNumber the account's number,
// inbound true, FINISHED with RECEIVED, `campaign` as campaignId; herald
// adds `keyword` (OPT_OUT, OPT_IN, HELP) when its body was one.
nlohmann::json InboundTextJson(const InboundText& text, int64_t campaign);

// CallFire's default campaign, campaign 0, which ad-hoc texts (POST
// /v2/texts) go through, is made of broadcasts with this label; the API
// shows 0 as their texts' campaignId and leaves them out of the broadcasts.
inline constexpr char kDefaultCampaignLabel[] = "herald:default-campaign";
// The campaignId of `broadcast`'s texts: its id, or 0 in the default
// campaign.
int64_t CampaignIdOf(const BroadcastInfo& broadcast);

// A phone number as the API takes it: a string, or an integer as its
// digits (CallFire's examples send both). InvalidArgument naming the field
// otherwise.
absl::StatusOr<std::string> NumberText(const JsonField& field);

// The recipients of a JSON array: {"phoneNumber", "attributes", "message"}
// each, attribute values that are numbers or booleans taken as their text
// (CallFire's examples send `"age": 30`). InvalidArgument naming the
// element and field for anything else: a contactId (herald keeps no
// contacts), a fromNumber (a broadcast's texts all come from its own), an
// attribute that is an object or array, an unknown field.
absl::StatusOr<std::vector<Recipient>> ParseRecipients(const JsonField& array);

// A broadcast definition for the Engine from a request's TextBroadcast:
// the members the API only shows (id, status, lastModified) dropped.
// InvalidArgument when `body` is not an object.
absl::StatusOr<nlohmann::json> DefinitionOf(const JsonField& body);

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_API_JSON_H_
