// The transport to a real provider over HTTP: texts queue per sender, leave
// in requests as the provider's rate limits allow, and their answers come
// back to the pipeline without it ever waiting on the network.
//
// A ProviderHub is one provider account: one I/O thread owns everything that
// talks to it (the HTTP client, the rate limiter, the queues per sender) and
// runs the Asio io_context that drives libcurl. Each broadcast sends through
// a channel of the hub, a Transport of its own. Threads: each channel's
// committer calls its Submit() and Collect(); texts cross to the I/O thread and
// back through lock-free queues (moodycamel), one pair per channel.
#ifndef HERALD_ENGINE_DISPATCH_PROVIDER_TRANSPORT_H_
#define HERALD_ENGINE_DISPATCH_PROVIDER_TRANSPORT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/dispatch/provider_config.h"
#include "herald/clock.h"
#include "herald/do_not_contact.h"
#include "herald/transport.h"

namespace herald {

// Requests in flight to one provider when its file sets no maxActive: enough
// to fill a fast provider over loopback, few enough to be polite.
inline constexpr int kDefaultMaxActive = 64;

// One broadcast's channel of a ProviderHub.
struct ChannelOptions {
  // Names the broadcast in every idempotency key (see IdempotencyKey), so
  // running the same broadcast again cannot make the provider send twice.
  std::string key_prefix;
  // At least 1: the channel's share of the lanes against the other channels
  // with texts for the same sender (weight 3 gets three texts for one of a
  // channel of weight 1).
  int weight = 1;
  // At least 1: texts submitted and not yet answered before Submit() blocks.
  size_t max_unanswered = 20000;
  // The engine's broadcast, for the routes of delivery receipts
  // (ProviderText::broadcast); 0: receipts are not asked for.
  int64_t broadcast = 0;
  // The run's interrupt (RunOptions::interrupt): once it is set, a Submit
  // waiting for room returns Cancelled within 50 ms, having taken none, so
  // that a Stop need not wait for the queue to drain at the lanes' rate.
  // Null: none. Must outlive the channel.
  const std::atomic<bool>* interrupt = nullptr;
};

// What the transport did, for reports and benchmarks.
struct ProviderTransportStats {
  int64_t requests = 0;        // requests answered (or given up)
  int64_t throttled = 0;       // of them throttled (429 or the like)
  int64_t connections = 0;     // connections opened
  int64_t texts_answered = 0;  // texts that came back to the pipeline
};

// One provider account shared by any number of broadcasts at once: one I/O
// thread, one HTTP client, one RateLimiter, so the account's limits hold
// for all of them together. Thread-safe.
//
// Whenever several channels have texts queued for the same sender, the
// sender's requests are taken from them in proportion to their weights
// (stride scheduling on texts sent), so a small urgent broadcast is not
// starved by a huge one that queued first. A channel that had nothing
// queued for the sender starts level with the others there: it claims no
// credit for the time it was idle. A request carries the texts of one
// channel only, as its idempotency keys belong to one broadcast. Senders
// still take turns, one request each per round. A throttle (429) pauses the
// lane for every channel that uses it.
class ProviderHub {
 public:
  // Starts the I/O thread for the provider `config` describes. Its lanes
  // pace on `clock` (null: the real clock), which must outlive the hub and
  // its channels.
  // `send_block` (null: none), which must outlive the hub too, is asked
  // for each text as its request is built: a text it blocks is answered
  // BLOCKED and never sent.
  static absl::StatusOr<std::unique_ptr<ProviderHub>> Create(
      const ProviderConfig& config, Clock* clock,
      const SendBlock* send_block = nullptr);

  // Stops the I/O thread. The channels still open get what the hub held of
  // theirs back NOT_SENT (their Collect() still hands it over), and their
  // Submit() fails from then on (FailedPrecondition). Not while a channel's
  // Submit() runs. Channels may be destroyed after the hub.
  ~ProviderHub();
  ProviderHub(const ProviderHub&) = delete;
  ProviderHub& operator=(const ProviderHub&) = delete;

  // A Transport for one broadcast (one RunBroadcast):
  //  - Submit() copies the texts and queues them by sender; it blocks while
  //    options.max_unanswered texts are unanswered;
  //  - Collect() hands each text back once: SENT, INVALID when the provider
  //    refused its number, FAILED with the result of its attempt (a throttled
  //    text is sent again and is not an attempt), or NOT_SENT;
  //  - StopSending() holds back only this channel's texts;
  //  - Finish() detaches the channel and leaves the I/O thread running for
  //    the others;
  //  - when the provider refuses the credentials the whole hub gives up:
  //    every channel gets its texts back NOT_SENT and its Collect() reports
  //    the PermissionDenied once; Submit() fails from then on;
  //  - it may be destroyed with requests in flight: their answers are then
  //    dropped.
  // InvalidArgument for options out of range; once the hub gave up, why
  // (PermissionDenied).
  absl::StatusOr<std::unique_ptr<Transport>> OpenChannel(
      const ChannelOptions& options);

  // Thread-safe snapshot of all channels together.
  ProviderTransportStats stats() const;

 private:
  class Impl;
  class Channel;
  explicit ProviderHub(std::shared_ptr<Impl> impl);
  // Shared with the channels, which may outlive the hub.
  std::shared_ptr<Impl> impl_;
};

}  // namespace herald

#endif  // HERALD_ENGINE_DISPATCH_PROVIDER_TRANSPORT_H_
