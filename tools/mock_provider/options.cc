#include "tools/mock_provider/options.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace herald::mock_provider {
namespace {

absl::Status CheckShare(absl::string_view name, double share) {
  if (!(share >= 0 && share <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be between 0 and 1, not ", share));
  }
  return absl::OkStatus();
}

absl::Status CheckNotNegative(absl::string_view name, int64_t value) {
  if (value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must not be negative, not ", value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateOptions(const Options& options) {
  const FaultOptions& f = options.faults;
  for (const auto& [name, share] :
       {std::pair<absl::string_view, double>{"error rate", f.error_rate},
        {"reset rate", f.reset_rate},
        {"hang rate", f.hang_rate},
        {"garbage rate", f.garbage_rate},
        {"echo rate", f.echo_rate}}) {
    if (absl::Status s = CheckShare(name, share); !s.ok()) return s;
  }
  // A little slack, so that 0.7 and 0.3 add up to no more than 1.
  if (f.error_rate + f.reset_rate + f.hang_rate + f.garbage_rate + f.echo_rate >
      1.0 + 1e-9) {
    return absl::InvalidArgumentError(
        "error, reset, hang, garbage and echo rates add up to more than 1");
  }
  for (const auto& [name, value] :
       {std::pair<absl::string_view, int64_t>{"latency", f.latency_ms},
        {"latency jitter", f.latency_jitter_ms},
        {"rate limit", f.rate_limit},
        {"Retry-After", f.retry_after_s},
        {"hook failures", options.hook_fail_first}}) {
    if (absl::Status s = CheckNotNegative(name, value); !s.ok()) return s;
  }
  if (options.threads < 1 || options.threads > 256) {
    return absl::InvalidArgumentError(
        absl::StrCat("threads must be 1 to 256, not ", options.threads));
  }
  if (options.log_flush_ms <= 0) {
    return absl::InvalidArgumentError("the log flush interval must be > 0");
  }
  if (options.user.empty() != options.password.empty()) {
    return absl::InvalidArgumentError(options.user.empty()
                                          ? "a password needs a user"
                                          : "a user needs a password");
  }
  return absl::OkStatus();
}

}  // namespace herald::mock_provider
