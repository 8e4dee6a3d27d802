// Times given on the command line.
#ifndef HERALD_TOOLS_TIME_FLAG_H_
#define HERALD_TOOLS_TIME_FLAG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

// `text`, the value of `flag`, as an instant: RFC 3339 with a zone
// ("2026-11-22T13:40:05Z", "2026-11-22T08:40:05-05:00") or unix
// milliseconds (all digits, as the API's times). The error names the flag and
// quotes the value: `--since: expected a time such as ..., got "..."`.
absl::StatusOr<absl::Time> ParseTimeFlag(absl::string_view flag,
                                         const std::string& text);

}  // namespace herald

#endif  // HERALD_TOOLS_TIME_FLAG_H_
