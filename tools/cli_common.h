// What every `herald` command shares: exit statuses and the few helpers
// their messages use.
#ifndef HERALD_TOOLS_CLI_COMMON_H_
#define HERALD_TOOLS_CLI_COMMON_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace herald {

// Exit statuses.
inline constexpr int kExitCompleted = 0;
inline constexpr int kExitStopped = 1;  // the run began but did not finish
inline constexpr int kExitBadInput = 2;

// `t` as 2026-11-23T14:00:00Z.
std::string Utc(absl::Time t);
// Says `status` on stderr ("herald: ..."); returns kExitBadInput.
int Fail(const absl::Status& status);
// "1 row", "2 rows".
std::string Plural(uint64_t count, absl::string_view noun);

}  // namespace herald

#endif  // HERALD_TOOLS_CLI_COMMON_H_
