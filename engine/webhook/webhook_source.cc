#include "engine/webhook/webhook_source.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/base/json_text.h"
#include "engine/store/event_table.h"
#include "engine/store/store_reader.h"
#include "engine/store/text_record.h"
#include "nlohmann/json.hpp"

namespace herald {
namespace {

class StoreWebhookSource : public WebhookSource {
 public:
  StoreWebhookSource(std::unique_ptr<EventTable> table,
                     std::unique_ptr<StoreReader> reader, uint64_t webhook_id,
                     std::string webhook_name)
      : table_(std::move(table)),
        reader_(std::move(reader)),
        webhook_id_(webhook_id),
        webhook_name_(std::move(webhook_name)) {}

  absl::StatusOr<size_t> ReadBatch(int limit) override {
    if (absl::Status s = table_->ReadOldest(limit, &batch_); !s.ok()) return s;
    return batch_.size();
  }

  absl::Status AppendBatch(int64_t now_ms, std::string* out) override {
    std::vector<uint64_t> ids;
    ids.reserve(batch_.size());
    for (const StoreEvent& event : batch_) ids.push_back(event.text_id);
    absl::StatusOr<std::vector<TextRecord>> texts = reader_->ReadTexts(ids);
    if (!texts.ok()) return texts.status();
    absl::flat_hash_map<uint64_t, const TextRecord*> by_id;
    for (const TextRecord& text : *texts) by_id.emplace(text.id, &text);
    std::vector<EnvelopeEvent> events;
    events.reserve(batch_.size());
    for (const StoreEvent& event : batch_) {
      auto it = by_id.find(event.text_id);
      if (it == by_id.end()) {
        return absl::DataLossError(
            absl::StrCat("event ", event.seq, " is about text ", event.text_id,
                         ", which the store does not hold"));
      }
      // A provider's words in `reason` need not be UTF-8; replacing what is
      // not keeps the envelope JSON instead of throwing.
      events.push_back({event.at_ms, "Finished",
                        TextJson(*it->second, reader_->run_id())
                            .dump(-1, ' ', false,
                                  nlohmann::json::error_handler_t::replace)});
    }
    AppendWebhookEnvelope(webhook_id_, webhook_name_, "OutboundText", now_ms,
                          events, out);
    return absl::OkStatus();
  }

  absl::Status Delivered() override {
    return table_->Consumed(batch_.back().seq);
  }

  absl::StatusOr<uint64_t> CountLeft() override { return table_->CountLeft(); }

 private:
  const std::unique_ptr<EventTable> table_;
  const std::unique_ptr<StoreReader> reader_;
  const uint64_t webhook_id_;
  const std::string webhook_name_;
  std::vector<StoreEvent> batch_;
};

}  // namespace

void AppendWebhookEnvelope(uint64_t webhook_id, absl::string_view webhook_name,
                           absl::string_view resource_type, int64_t now_ms,
                           absl::Span<const EnvelopeEvent> events,
                           std::string* out) {
  const std::string id = absl::StrCat(webhook_id);
  absl::StrAppend(out, "{\"timestamp\":", now_ms, ",\"webhookId\":", id,
                  ",\"webhookName\":");
  AppendJsonString(webhook_name, out);
  out->append(",\"resourceType\":");
  AppendJsonString(resource_type, out);
  out->append(",\"events\":[");
  for (size_t i = 0; i < events.size(); ++i) {
    const EnvelopeEvent& event = events[i];
    if (i > 0) out->push_back(',');
    absl::StrAppend(out, "{\"timestamp\":", event.at_ms, ",\"webhookId\":", id,
                    ",\"resourceType\":");
    AppendJsonString(resource_type, out);
    out->append(",\"eventType\":");
    AppendJsonString(event.event_type, out);
    out->append(",\"resource\":");
    out->append(event.resource);
    out->push_back('}');
  }
  out->append("]}");
}

absl::StatusOr<std::unique_ptr<WebhookSource>> OpenStoreWebhookSource(
    const std::string& db_path, uint64_t webhook_id, std::string webhook_name) {
  absl::StatusOr<std::unique_ptr<EventTable>> table =
      EventTable::Open(db_path, EventTable::Table::kEvents);
  if (!table.ok()) return table.status();
  absl::StatusOr<std::unique_ptr<StoreReader>> reader =
      StoreReader::Open(db_path);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<WebhookSource>(
      new StoreWebhookSource(*std::move(table), *std::move(reader), webhook_id,
                             std::move(webhook_name)));
}

}  // namespace herald
