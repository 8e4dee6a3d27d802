// Request bodies as CallFire's own examples write them: its reference
// sends JSON with `#` and `//` comment lines and trailing commas, and
// clients copied from it do the same. They are accepted; anything else that
// is not JSON is refused with the line and column.
#ifndef HERALD_ENGINE_SERVICE_LENIENT_JSON_H_
#define HERALD_ENGINE_SERVICE_LENIENT_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace herald {

// `text` with what strict JSON refuses blanked out: a `#` or `//` outside a
// string and the rest of its line, and a comma that only whitespace or
// comments separate from the `}` or `]` after it. Each blanked byte becomes
// a space (a newline stays), so that lines and columns still point into the
// text as it was sent.
std::string StripJsonLeniencies(absl::string_view text);

// Parses `text` after StripJsonLeniencies, as ParseJsonDocument does
// (engine/base/json_field.h): InvalidArgument naming `source` and the line
// and column of a syntax error, or the path of a key given twice.
absl::StatusOr<nlohmann::json> ParseLenientJson(absl::string_view text,
                                                absl::string_view source);

}  // namespace herald

#endif  // HERALD_ENGINE_SERVICE_LENIENT_JSON_H_
