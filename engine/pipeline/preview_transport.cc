#include "engine/pipeline/preview_transport.h"

namespace herald {

absl::Status PreviewTransport::Submit(absl::Span<const OutboundText> texts) {
  for (const OutboundText& text : texts) {
    Tally& tally = tallies_[static_cast<size_t>(text.encoding)];
    ++tally.texts;
    tally.segments += text.segments;
    if (kept_.size() < keep_) {
      kept_.push_back({text.batch, text.recipient_id, text.to,
                       std::string(text.message), text.encoding,
                       text.segments});
    }
  }
  AnswerSent(texts);
  return absl::OkStatus();
}

}  // namespace herald
