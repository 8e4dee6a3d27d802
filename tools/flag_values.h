// Values given on the command line that CLI11's own checks cannot word
// well: times, and counts that must not wrap (CLI11 reads "-1" into an
// unsigned as its largest value).
#ifndef HERALD_TOOLS_FLAG_VALUES_H_
#define HERALD_TOOLS_FLAG_VALUES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

// InvalidArgument `FLAG: expected EXPECTED, got "VALUE"`.
absl::Status BadFlag(absl::string_view flag, absl::string_view expected,
                     absl::string_view value);

// `text`, the value of `flag`, as a whole number in [min, max]: digits only.
absl::StatusOr<uint64_t> ParseCountFlag(absl::string_view flag,
                                        const std::string& text, uint64_t min,
                                        uint64_t max);

// `text`, the value of `flag`, as an instant: RFC 3339 with a zone
// ("2026-11-22T13:40:05Z", "2026-11-22T08:40:05-05:00") or unix
// milliseconds (all digits, as the API's times). The error names the flag and
// quotes the value: `--since: expected a time such as ..., got "..."`.
absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag,
                                         const std::string& text);

}  // namespace herald

#endif  // HERALD_TOOLS_FLAG_VALUES_H_
