#include "engine/service/api_json.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "engine/ingest/phone_number.h"
#include "engine/service/api_ids.h"
#include "engine/store/text_record.h"

namespace herald {
namespace {

// The members a TextBroadcast shows but a request does not set.
constexpr absl::string_view kReadOnlyMembers[] = {"id", "status",
                                                  "lastModified"};

absl::StatusOr<std::string> AttributeText(const JsonField& value) {
  const nlohmann::json& v = value.value();
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return std::string(v.get<bool>() ? "true" : "false");
  if (v.is_number()) return v.dump();
  if (v.is_null()) return std::string();
  return value.Error(value.Expected("a string, number or boolean"));
}

}  // namespace

nlohmann::json BroadcastJson(const BroadcastInfo& broadcast) {
  nlohmann::json out = nlohmann::json::object();
  // The definition was checked when it was taken; one that no longer parses
  // (never: it is stored as the engine took it) shows only the basics.
  nlohmann::json definition =
      nlohmann::json::parse(broadcast.definition, nullptr, false);
  out["id"] = broadcast.id;
  out["name"] = broadcast.name;
  out["status"] = std::string(BroadcastStatusName(broadcast.status));
  out["fromNumber"] = broadcast.from_number;
  if (definition.is_object()) {
    for (auto& [key, value] : definition.items()) {
      if (!out.contains(key)) out[key] = std::move(value);
    }
  }
  if (!broadcast.error.empty()) out["error"] = broadcast.error;
  return out;
}

nlohmann::json BatchJson(BroadcastId broadcast, const BatchInfo& batch) {
  nlohmann::json out = {
      {"id", ApiBatchId(broadcast, batch.id)},
      {"name", batch.name},
      {"status", std::string(BatchStatusName(batch.status))},
      {"broadcastId", broadcast},
      {"created", absl::ToUnixMillis(batch.created)},
      {"size", batch.size},
      {"remaining", batch.remaining},
      {"enabled", batch.enabled},
  };
  if (!batch.error.empty()) out["error"] = batch.error;
  return out;
}

int64_t CampaignIdOf(const BroadcastInfo& broadcast) {
  const bool in_default =
      std::find(broadcast.labels.begin(), broadcast.labels.end(),
                kDefaultCampaignLabel) != broadcast.labels.end();
  return in_default ? 0 : broadcast.id;
}

nlohmann::json InboundTextJson(const InboundText& text, int64_t campaign) {
  nlohmann::json out = {
      {"id", text.id},
      {"fromNumber", E164Digits(text.from)},
      {"toNumber", text.to},
      {"state", std::string(StateName(RecipientState::kFinished))},
      {"campaignId", campaign},
      {"inbound", true},
      {"created", absl::ToUnixMillis(text.at)},
      {"modified", absl::ToUnixMillis(text.received)},
      {"message", text.message},
      {"finalTextResult", std::string(ResultName(TextResult::kReceived))},
  };
  if (!text.keyword.empty()) out["keyword"] = text.keyword;
  return out;
}

nlohmann::json ApiTextJson(BroadcastId broadcast, int64_t campaign,
                           const TextRecord& text) {
  nlohmann::json out = TextJson(text, "");
  out["id"] = ApiTextId(broadcast, text.id);
  out["campaignId"] = campaign;
  out["batchId"] = ApiBatchId(broadcast, text.batch_id);
  if (out.contains("records")) {
    for (nlohmann::json& record : out["records"]) record.erase("id");
  }
  return out;
}

absl::StatusOr<std::string> NumberText(const JsonField& field) {
  if (field.value().is_number_unsigned()) return field.value().dump();
  return field.String();
}

absl::StatusOr<std::vector<Recipient>> ParseRecipients(const JsonField& array) {
  std::vector<Recipient> recipients;
  absl::Status status = array.Array([&](const JsonField& item) {
    Recipient& recipient = recipients.emplace_back();
    std::optional<std::string> message;
    absl::Status s = item.Object({
        {"phoneNumber",
         [&](const JsonField& f) {
           return AssignField(&recipient.phone_number,
                              [&] { return NumberText(f); });
         }},
        {"attributes",
         [&](const JsonField& f) -> absl::Status {
           if (!f.value().is_object()) {
             return f.Error(f.Expected("an object"));
           }
           for (const auto& [name, value] : f.value().items()) {
             absl::StatusOr<std::string> text =
                 AttributeText(f.Child(name, value));
             if (!text.ok()) return text.status();
             recipient.attributes.emplace_back(name, *std::move(text));
           }
           return absl::OkStatus();
         }},
        {"message",
         [&](const JsonField& f) -> absl::Status {
           absl::StatusOr<std::string> text = f.String();
           if (!text.ok()) return text.status();
           message = *std::move(text);
           return absl::OkStatus();
         }},
        {"contactId",
         [&](const JsonField& f) {
           return f.Error(
               "herald keeps no contacts: give the recipient's phoneNumber");
         }},
        {"fromNumber",
         [&](const JsonField& f) {
           return f.Error(
               "every text of a broadcast comes from its own fromNumber; "
               "leave it out, or make a broadcast for that number");
         }},
    });
    if (!s.ok()) return s;
    if (recipient.phone_number.empty()) {
      return item.Error("a recipient needs a phoneNumber");
    }
    if (message.has_value()) {
      for (const auto& [name, value] : recipient.attributes) {
        if (name == "message") {
          return item.Error(
              "message given both as a field and as an attribute");
        }
      }
      // A `message` column is a row's own message (README, "The broadcast
      // definition").
      recipient.attributes.emplace_back("message", *std::move(message));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return recipients;
}

absl::StatusOr<nlohmann::json> DefinitionOf(const JsonField& body) {
  if (!body.value().is_object()) {
    return body.Error(body.Expected("an object"));
  }
  nlohmann::json definition = body.value();
  for (absl::string_view member : kReadOnlyMembers) {
    definition.erase(std::string(member));
  }
  return definition;
}

}  // namespace herald
