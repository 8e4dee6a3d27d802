#include "engine/base/percent_encoding.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/base/utf8.h"

namespace herald {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendPercentEncoded(absl::string_view text, std::string* out,
                          PercentStyle style) {
  const char* hex = style.lower_hex ? "0123456789abcdef" : "0123456789ABCDEF";
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (IsUnreserved(c)) {
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

absl::StatusOr<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else if (i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 +
                                      HexValue(text[i + 2])));
      i += 2;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", ValidUtf8(text), "\": '%' not followed by two hex digits"));
    }
  }
  return out;
}

absl::StatusOr<FormPairs> ParseFormPairs(absl::string_view text) {
  FormPairs pairs;
  for (absl::string_view pair : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    const size_t equals = pair.find('=');
    absl::StatusOr<std::string> name = PercentDecode(pair.substr(0, equals));
    if (!name.ok()) return name.status();
    absl::StatusOr<std::string> value = PercentDecode(
        equals == absl::string_view::npos ? absl::string_view()
                                          : pair.substr(equals + 1));
    if (!value.ok()) return value.status();
    pairs.emplace_back(*std::move(name), *std::move(value));
  }
  return pairs;
}

const std::string* LastValue(const FormPairs& pairs, absl::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [key, value] : pairs) {
    if (key == name) found = &value;
  }
  return found;
}

}  // namespace herald
