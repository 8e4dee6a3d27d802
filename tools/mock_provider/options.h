// Settings of the mock SMS provider: where it listens, who may use it, where
// it logs and which faults it injects.
#ifndef HERALD_TOOLS_MOCK_PROVIDER_OPTIONS_H_
#define HERALD_TOOLS_MOCK_PROVIDER_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "herald/clock.h"

namespace herald::mock_provider {

// What goes wrong, and how often. The four shares are of requests to the
// sending endpoints and are disjoint: one draw per request picks at most one
// of them, so each happens at its own rate and together at most always.
struct FaultOptions {
  // Every answer is delayed by latency_ms plus a uniform 0..latency_jitter_ms.
  int latency_ms = 0;
  int latency_jitter_ms = 0;
  // Answered 500 or 503 (half each) without accepting anything.
  double error_rate = 0;
  // Messages per second per sender over a sliding one-second window; a
  // request that would pass it is answered 429. 0 is unlimited.
  int64_t rate_limit = 0;
  // Seconds in the Retry-After header of a 429.
  int retry_after_s = 1;
  // The connection is reset (RST) instead of answering.
  double reset_rate = 0;
  // Never answered; the connection stays open until the client closes it.
  double hang_rate = 0;
  // Answered 200 with a body that is neither JSON nor Kannel's answer, without
  // accepting anything: the client cannot tell what happened.
  double garbage_rate = 0;
  // Answered 400 or 500 (half each) with the request echoed back, start
  // line, headers (credentials and all) and body, as careless gateways'
  // error pages do; nothing is accepted.
  double echo_rate = 0;
};

struct Options {
  // 0 picks a free port. The server binds 127.0.0.1 only.
  uint16_t port = 0;
  // Threads running the server's io_context.
  int threads = 1;
  // When `user` is set, CallFire requests need Basic auth and Kannel requests
  // username/password parameters matching user and password.
  std::string user;
  std::string password;
  // JSON-lines file of every accepted message; empty for none.
  std::string log_path;
  // The log is written out at least this often.
  int log_flush_ms = 100;
  // Fault decisions are a function of the seed and the order of connections
  // and of requests on each connection.
  uint64_t seed = 1;
  FaultOptions faults;
  // POST /hooks, the webhook receiver: when set, a request whose
  // X-Herald-Signature does not sign its body with this secret is answered
  // 401.
  std::string hook_secret;
  // The first this many POST /hooks requests that no fault took are answered
  // 500: an endpoint that fails for a while, then recovers.
  int64_t hook_fail_first = 0;
  // The time of the arrival stamps and of the rate limit: a test shares its
  // simulated clock with herald's lanes or webhook back-off to time them in
  // that clock. Null: the real clock. Must outlive the server.
  Clock* clock = nullptr;
};

// Returns InvalidArgument naming the first setting out of range: shares
// outside [0, 1] or adding up to more than 1, negative latencies, rates,
// Retry-After or hook failures, threads outside 1..256, a non-positive flush
// interval, or a password without a user and the other way round.
absl::Status ValidateOptions(const Options& options);

}  // namespace herald::mock_provider

#endif  // HERALD_TOOLS_MOCK_PROVIDER_OPTIONS_H_
