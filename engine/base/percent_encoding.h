// Percent-encoding for URLs and form bodies.
#ifndef HERALD_ENGINE_BASE_PERCENT_ENCODING_H_
#define HERALD_ENGINE_BASE_PERCENT_ENCODING_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace herald {

struct PercentStyle {
  bool lower_hex = false;       // %2f rather than %2F
  bool plus_for_space = false;  // '+' rather than %20
};

// Whether `c` is one of RFC 3986's unreserved characters (A-Z a-z 0-9 - .
// _ ~): what goes in a URL as it is.
bool IsUnreserved(char c);

// Appends `text` percent-encoded: every byte but the unreserved A-Z a-z 0-9
// - . _ ~ becomes %XX, so a '+' in a number survives and (by default) a
// space is %20 in a query and in a form body alike. The other styles are the
// forms a provider may echo a secret back in.
void AppendPercentEncoded(absl::string_view text, std::string* out,
                          PercentStyle style = {});

// Decodes one component of a query or a form body, '+' as a space (as HTML
// forms and curl send it). The bytes are as sent, UTF-8 or not.
// InvalidArgument quoting the component (as valid UTF-8) for a '%' not
// followed by two hex digits.
absl::StatusOr<std::string> PercentDecode(absl::string_view text);

// The name=value pairs of a query or of an application/x-www-form-urlencoded
// body, decoded, in order.
using FormPairs = std::vector<std::pair<std::string, std::string>>;

// Decodes `text`'s pairs; a pair without '=' has an empty value. Errors as
// PercentDecode.
absl::StatusOr<FormPairs> ParseFormPairs(absl::string_view text);

// The last value of `name` in `pairs` (a parameter given twice takes its
// last); null when it is absent.
const std::string* LastValue(const FormPairs& pairs, absl::string_view name);

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_PERCENT_ENCODING_H_
