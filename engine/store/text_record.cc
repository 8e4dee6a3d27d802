#include "engine/store/text_record.h"

namespace herald {
namespace {

// Attempt records' ids: the text's id and the attempt, readable in the number.
constexpr uint64_t kRecordIdFactor = 100;

}  // namespace

nlohmann::json TextJson(const TextRecord& text,
                        const std::string& campaign_id) {
  nlohmann::json out = nlohmann::json::object();
  out["id"] = text.id;
  out["fromNumber"] = text.from;
  if (text.to != 0) out["toNumber"] = E164Digits(text.to);
  out["state"] = std::string(StateName(text.state));
  out["campaignId"] = campaign_id;
  out["batchId"] = text.batch_id;
  out["inbound"] = false;
  out["created"] = absl::ToUnixMillis(text.created);
  out["modified"] = absl::ToUnixMillis(text.modified);
  if (!text.message.empty()) out["message"] = text.message;
  if (text.result.has_value()) {
    out["finalTextResult"] = std::string(ResultName(*text.result));
  }
  nlohmann::json records = nlohmann::json::array();
  for (const AttemptRecord& record : text.records) {
    nlohmann::json item = {
        {"id", text.id * kRecordIdFactor + record.attempt},
        {"attempt", record.attempt},
        {"finishTime", absl::ToUnixMillis(record.finish_time)},
        {"textResult", std::string(ResultName(record.result))},
        {"billedSegments", record.segments}};
    if (!record.provider_id.empty()) item["providerId"] = record.provider_id;
    // Only a sent attempt has a delivery to report.
    if (record.result == TextResult::kSent) {
      item["deliveryState"] =
          std::string(DeliveryStateName(record.delivery_state));
      if (!record.delivery_error.empty()) {
        item["deliveryError"] = record.delivery_error;
      }
      if (record.delivery_time.has_value()) {
        item["deliveryTime"] = absl::ToUnixMillis(*record.delivery_time);
      }
    }
    records.push_back(std::move(item));
  }
  if (!records.empty()) out["records"] = std::move(records);
  out["recipientId"] = text.recipient_id;
  out["line"] = text.line;
  out["segments"] = text.segments;
  if (!text.zone.empty()) out["zone"] = text.zone;
  out["attempts"] = text.attempts;
  if (!text.reason.empty()) out["reason"] = text.reason;
  return out;
}

}  // namespace herald
