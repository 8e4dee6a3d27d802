// The transport to a real provider over HTTP: texts queue per sender, leave
// in requests as the provider's rate limits allow, and their answers come
// back to the pipeline without it ever waiting on the network.
//
// Threads: the committer calls Submit() and Collect(); one I/O thread owns
// everything else (the HTTP client, the rate limiter, the queues per
// sender) and runs the Asio io_context that drives libcurl. Texts cross
// between them through two lock-free queues (moodycamel).
#ifndef HERALD_ENGINE_PROVIDER_TRANSPORT_H_
#define HERALD_ENGINE_PROVIDER_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/provider_config.h"
#include "engine/transport.h"

namespace herald {

// Requests in flight to one provider when its file sets no maxActive: enough
// to fill a fast provider over loopback, few enough to be polite.
inline constexpr int kDefaultMaxActive = 64;

struct ProviderTransportOptions {
  // Names the broadcast in every idempotency key (see IdempotencyKey), so
  // running the same broadcast again cannot make the provider send twice.
  std::string key_prefix;
  // Texts submitted and not yet answered before Submit() blocks.
  size_t max_unanswered = 20000;
};

// What the transport did, for reports and benchmarks.
struct ProviderTransportStats {
  int64_t requests = 0;        // requests answered (or given up)
  int64_t throttled = 0;       // of them throttled (429 or the like)
  int64_t connections = 0;     // connections opened
  int64_t texts_answered = 0;  // texts that came back to the pipeline
};

class ProviderTransport : public Transport {
 public:
  // Starts the I/O thread for the provider `config` describes.
  static absl::StatusOr<std::unique_ptr<ProviderTransport>> Create(
      const ProviderConfig& config, const ProviderTransportOptions& options);

  // Stops the I/O thread; texts still in its hands are dropped unanswered.
  ~ProviderTransport() override;

  // Copies the texts and queues them by sender; blocks while
  // options.max_unanswered texts are unanswered. Fails once the provider
  // refused the credentials.
  absl::Status Submit(absl::Span<const OutboundText> texts) override;

  // Each text comes back once: SENT, INVALID when the provider refused its
  // number, FAILED with the result of its attempt (a throttled text is sent
  // again and is not an attempt), or NOT_SENT after the provider refused the
  // credentials, which Collect reports once as PermissionDenied.
  absl::Status Collect(absl::Duration wait,
                       std::vector<Delivery>* out) override;

  absl::Status Finish() override;
  void StopSending() override;

  // Thread-safe snapshot.
  ProviderTransportStats stats() const;

 private:
  class Impl;
  explicit ProviderTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_PROVIDER_TRANSPORT_H_
