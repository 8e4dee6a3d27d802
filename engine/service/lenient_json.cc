#include "engine/service/lenient_json.h"

#include "engine/base/json_field.h"

namespace herald {

std::string StripJsonLeniencies(absl::string_view text) {
  std::string out(text);
  bool in_string = false;
  // Where the last comma outside a string is while only whitespace and
  // comments have followed it; npos otherwise.
  size_t pending_comma = std::string::npos;
  char previous = 0;  // the last character outside strings and comments
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = out[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character, a quote included
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    const bool comment =
        c == '#' || (c == '/' && i + 1 < out.size() && out[i + 1] == '/');
    if (comment) {
      for (; i < out.size() && out[i] != '\n'; ++i) out[i] = ' ';
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if ((c == '}' || c == ']') && pending_comma != std::string::npos) {
      out[pending_comma] = ' ';
    }
    // Only a comma after a value trails: "{,}" and "[1,,]" stay errors.
    const bool after_value =
        previous != '{' && previous != '[' && previous != ',' && previous != 0;
    pending_comma = c == ',' && after_value ? i : std::string::npos;
    previous = c;
    if (c == '"') in_string = true;
  }
  return out;
}

absl::StatusOr<nlohmann::json> ParseLenientJson(absl::string_view text,
                                                absl::string_view source) {
  return ParseJsonDocument(StripJsonLeniencies(text), source);
}

}  // namespace herald
