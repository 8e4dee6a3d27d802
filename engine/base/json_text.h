// Pieces of JSON output: small, allocation-free ones for hot paths (the
// outbox and the outcome log write one line per recipient), and a document
// dumped whatever bytes its strings hold.
#ifndef HERALD_ENGINE_BASE_JSON_TEXT_H_
#define HERALD_ENGINE_BASE_JSON_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace herald {

// Appends `text` as a quoted JSON string: quotes, backslashes and control
// characters are escaped, a byte that is not part of valid UTF-8 becomes
// U+FFFD, everything else is copied as it is. The output is valid JSON
// whatever `text` holds.
void AppendJsonString(absl::string_view text, std::string* out);

// Appends `text` escaped as AppendJsonString does, without the quotes: for
// text that goes inside a string of a JSON template.
void AppendJsonEscaped(absl::string_view text, std::string* out);

// `value` as compact JSON. A byte of a string that is not part of valid
// UTF-8 (a provider's words, a file's bytes) becomes U+FFFD instead of
// throwing, so the output is valid JSON whatever the value holds.
inline std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Formats instants as "2026-11-22T13:40:05.123Z" (UTC, milliseconds). Caches
// the text of the current second, since a run stamps millions of lines within
// a few seconds. Not thread-safe.
class UtcMillisFormatter {
 public:
  void Append(absl::Time t, std::string* out);

 private:
  int64_t cached_second_ = INT64_MIN;
  std::string cached_prefix_;  // "2026-11-22T13:40:05."
};

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_JSON_TEXT_H_
