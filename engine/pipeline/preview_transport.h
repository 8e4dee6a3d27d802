// A transport that sends nothing, for previews: `herald render` runs a
// broadcast through the whole pipeline into one to see what would go out and
// what it would cost.
#ifndef HERALD_ENGINE_PIPELINE_PREVIEW_TRANSPORT_H_
#define HERALD_ENGINE_PIPELINE_PREVIEW_TRANSPORT_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/pipeline/transport.h"

namespace herald {

class PreviewTransport : public ImmediateTransport {
 public:
  struct Text {
    uint32_t batch = 0;
    uint64_t recipient_id = 0;
    PhoneNumber to = 0;
    std::string message;
    SmsEncoding encoding = SmsEncoding::kGsm7;
    int segments = 0;
  };
  struct Tally {
    uint64_t texts = 0;
    uint64_t segments = 0;
  };

  // Keeps copies of the first `keep` texts.
  explicit PreviewTransport(size_t keep) : keep_(keep) {}

  // Accepts every text (result SENT, meaning "would be sent").
  absl::Status Submit(absl::Span<const OutboundText> texts) override;
  absl::Status Finish() override { return absl::OkStatus(); }

  const std::vector<Text>& kept() const { return kept_; }
  // Texts and segments per encoding, indexed by SmsEncoding.
  const Tally& tally(SmsEncoding encoding) const {
    return tallies_[static_cast<size_t>(encoding)];
  }

 private:
  size_t keep_;
  std::vector<Text> kept_;
  std::array<Tally, 2> tallies_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_PREVIEW_TRANSPORT_H_
