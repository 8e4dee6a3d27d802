#include "engine/pipeline/transport.h"

#include "absl/strings/str_cat.h"

namespace herald {

std::string IdempotencyKey(absl::string_view prefix, uint32_t batch,
                           uint64_t recipient_id, int key_attempt) {
  std::string key;
  AppendIdempotencyKey(prefix, batch, recipient_id, key_attempt, &key);
  return key;
}

void AppendIdempotencyKey(absl::string_view prefix, uint32_t batch,
                          uint64_t recipient_id, int key_attempt,
                          std::string* out) {
  absl::StrAppend(out, prefix, "-", batch, "-", recipient_id, "-", key_attempt);
}

absl::Status ImmediateTransport::Collect(absl::Duration /*wait*/,
                                         std::vector<Delivery>* out) {
  out->insert(out->end(), std::make_move_iterator(answered_.begin()),
              std::make_move_iterator(answered_.end()));
  answered_.clear();
  return absl::OkStatus();
}

Delivery DeliveryFor(const OutboundText& text) {
  Delivery delivery;
  delivery.key() = text;
  delivery.attempt_key() = text;
  delivery.segments = text.segments;
  delivery.zone_names = text.zone_names;
  return delivery;
}

void ImmediateTransport::AnswerSent(absl::Span<const OutboundText> texts) {
  for (const OutboundText& text : texts) {
    Delivery& delivery = answered_.emplace_back(DeliveryFor(text));
    delivery.message.assign(text.message.data(), text.message.size());
  }
}

}  // namespace herald
