// The base of the engine's transports that answer within Submit(): the
// outbox and the preview (the seam itself: herald/transport.h).
#ifndef HERALD_ENGINE_PIPELINE_TRANSPORT_H_
#define HERALD_ENGINE_PIPELINE_TRANSPORT_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "herald/transport.h"

namespace herald {

// A transport that answers every text within Submit() (a file, a preview):
// Collect() hands those answers over and never waits.
class ImmediateTransport : public Transport {
 public:
  absl::Status Collect(absl::Duration wait,
                       std::vector<Delivery>* out) override;

 protected:
  // Answers every text of `texts` SENT.
  void AnswerSent(absl::Span<const OutboundText> texts);

 private:
  std::vector<Delivery> answered_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_PIPELINE_TRANSPORT_H_
