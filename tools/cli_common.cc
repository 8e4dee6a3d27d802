#include "tools/cli_common.h"

#include <iostream>

#include "absl/strings/str_cat.h"

namespace herald {

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

int Fail(const absl::Status& status) {
  std::cerr << "herald: " << status.message() << "\n";
  return kExitBadInput;
}

std::string Plural(uint64_t count, absl::string_view noun) {
  return absl::StrCat(count, " ", noun, count == 1 ? "" : "s");
}

}  // namespace herald
