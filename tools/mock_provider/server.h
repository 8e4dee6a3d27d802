// herald's mock SMS provider: an HTTP/1.1 server on 127.0.0.1 that speaks
// CallFire's POST /texts and Kannel's sendsms, logs what it accepts, and
// injects the faults real providers show. See README.md for the protocol.
#ifndef HERALD_TOOLS_MOCK_PROVIDER_SERVER_H_
#define HERALD_TOOLS_MOCK_PROVIDER_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tools/mock_provider/hooks.h"
#include "tools/mock_provider/options.h"

namespace herald::mock_provider {

// Counts since the server started.
struct Stats {
  int64_t connections = 0;
  int64_t requests = 0;  // to the sending endpoints, whatever became of them
  int64_t texts_requests = 0;
  int64_t sendsms_requests = 0;
  int64_t accepted = 0;       // messages logged: first arrivals
  int64_t duplicates = 0;     // messages acknowledged again, not logged
  int64_t invalid = 0;        // CallFire recipients answered INVALID
  int64_t bad_requests = 0;   // answered 400
  int64_t auth_failures = 0;  // answered 401 or 403
  int64_t errors_500 = 0;
  int64_t errors_503 = 0;
  int64_t rate_limited = 0;  // answered 429
  int64_t resets = 0;
  int64_t hangs = 0;
  int64_t garbage = 0;
  int64_t hook_requests = 0;        // POST /hooks, whatever became of them
  int64_t hooks_accepted = 0;       // answered 200
  int64_t hook_bad_signatures = 0;  // answered 401
};

// Returns `stats` as GET /stats answers it:
//   {"connections":1,"requests":2,"textsRequests":1,"sendsmsRequests":1,
//    "messagesAccepted":5,"duplicates":1,"invalidRecipients":0,
//    "badRequests":0,"authFailures":0,"hookRequests":0,"hooksAccepted":0,
//    "hookBadSignatures":0,"faults":{"error500":0,"error503":0,
//    "rateLimited":0,"reset":0,"hang":0,"garbage":0}}
std::string StatsJson(const Stats& stats);

namespace internal {
class Server;
}  // namespace internal

class MockProvider {
 public:
  // Validates `options`, creates the log, listens on 127.0.0.1 and starts
  // serving on options.threads threads. Errors: InvalidArgument for bad
  // options, the log's creation error, Unavailable when it cannot listen.
  static absl::StatusOr<std::unique_ptr<MockProvider>> Start(
      const Options& options);

  ~MockProvider();  // Stop()s, dropping its status
  MockProvider(const MockProvider&) = delete;
  MockProvider& operator=(const MockProvider&) = delete;

  // The port it listens on (the one picked when options.port was 0).
  uint16_t port() const;

  // A snapshot of the counts; thread-safe.
  Stats stats() const;

  // Every answered POST /hooks request so far, in order; thread-safe.
  std::vector<HookRequest> hook_requests() const;

  // Stops serving, closes every connection (hanging ones included), then
  // flushes and closes the log. Returns the log's first write error; later
  // calls return the same.
  absl::Status Stop();

 private:
  explicit MockProvider(std::unique_ptr<internal::Server> server);

  std::unique_ptr<internal::Server> server_;
};

}  // namespace herald::mock_provider

#endif  // HERALD_TOOLS_MOCK_PROVIDER_SERVER_H_
