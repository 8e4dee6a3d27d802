#include "engine/base/percent_encoding.h"

#include "absl/strings/ascii.h"

namespace herald {

void AppendPercentEncoded(absl::string_view text, std::string* out,
                          PercentStyle style) {
  const char* hex = style.lower_hex ? "0123456789abcdef" : "0123456789ABCDEF";
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out->push_back(c);
    } else if (c == ' ' && style.plus_for_space) {
      out->push_back('+');
    } else {
      out->push_back('%');
      out->push_back(hex[byte >> 4]);
      out->push_back(hex[byte & 0xF]);
    }
  }
}

}  // namespace herald
