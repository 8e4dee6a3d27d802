// Fault injection: which requests go wrong, and the per-sender rate limit.
#ifndef HERALD_TOOLS_MOCK_PROVIDER_FAULTS_H_
#define HERALD_TOOLS_MOCK_PROVIDER_FAULTS_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "tools/mock_provider/options.h"

namespace herald::mock_provider {

enum class Fault {
  kNone,
  kReset,
  kHang,
  kError500,
  kError503,
  kGarbage,
  kEcho400,
  kEcho500,
};

struct FaultRoll {
  Fault fault = Fault::kNone;
  std::chrono::milliseconds latency{0};
};

// The fault decisions for the requests of one connection. Each connection
// has its own generator, seeded from the server's seed and the connection's
// ordinal, so decisions need no lock and a client that sends the same
// requests in the same order meets the same faults. Not thread-safe.
class FaultDice {
 public:
  // `options` must outlive this.
  FaultDice(const FaultOptions& options, uint64_t seed, uint64_t connection);

  // Decides the fate of the next request: one draw picks a fault from
  // consecutive bands of [0, 1) sized by the reset, hang, error, garbage and
  // echo rates (the error band's lower half is 500, its upper half 503; the
  // echo band's 400 and 500), and a
  // second draw, when there is jitter, the latency.
  FaultRoll Roll();

 private:
  // Uniform in [0, 1).
  double Uniform();

  const FaultOptions& options_;
  uint64_t state_;
};

// Admits messages per sender at most `per_second` within any one-second
// window. Time is kept in microseconds, the resolution of the log's
// arrivedAt, and read under the lock, so the limit holds exactly between the
// arrival times in the log too. Thread-safe.
class SenderRateLimiter {
 public:
  explicit SenderRateLimiter(int64_t per_second) : limit_(per_second) {}

  // Reads `clock` and admits a request carrying `counts` (distinct senders
  // and their messages) then when every sender stays within the limit
  // counting the messages admitted in the second before; admitted messages
  // count against later requests, and `*admitted_at` is set to the time read
  // (in whole microseconds). Returns false and records nothing otherwise, so
  // a request with more messages for one sender than the limit is never
  // admitted.
  bool TryAdmit(absl::Span<const std::pair<absl::string_view, int64_t>> counts,
                absl::FunctionRef<absl::Time()> clock, absl::Time* admitted_at);

 private:
  struct Window {
    std::deque<std::pair<int64_t, int64_t>> admitted;  // (micros, messages)
    int64_t total = 0;
  };

  const int64_t limit_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, Window> windows_;
};

}  // namespace herald::mock_provider

#endif  // HERALD_TOOLS_MOCK_PROVIDER_FAULTS_H_
