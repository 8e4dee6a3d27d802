#include "engine/preview_transport.h"

#include <algorithm>

namespace herald {

absl::Status PreviewTransport::Send(absl::Span<const OutboundText> texts,
                                    absl::Span<TextResult> results) {
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
  std::fill(results.begin(), results.end(), TextResult::kSent);
  return absl::OkStatus();
}

}  // namespace herald
