#include "tools/flag_values.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace herald {

absl::Status BadFlag(absl::string_view flag, absl::string_view expected,
                     absl::string_view value) {
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": expected ", expected, ", got \"", value, "\""));
}

absl::StatusOr<uint64_t> ParseCountFlag(absl::string_view flag,
                                        const std::string& text, uint64_t min,
                                        uint64_t max) {
  uint64_t n = 0;
  if (text.empty() ||
      text.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(text, &n) || n < min || n > max) {
    return BadFlag(flag, absl::StrCat("a whole number from ", min, " to ", max),
                   text);
  }
  return n;
}

absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag,
                                         const std::string& text) {
  int64_t ms = 0;
  if (!text.empty() &&
      text.find_first_not_of("0123456789") == std::string::npos &&
      absl::SimpleAtoi(text, &ms)) {
    return absl::FromUnixMillis(ms);
  }
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return t;
  return BadFlag(flag,
                 "a time such as 2026-11-22T13:40:05Z, "
                 "2026-11-22T08:40:05-05:00 or unix milliseconds",
                 text);
}

}  // namespace herald
