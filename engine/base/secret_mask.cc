#include "engine/base/secret_mask.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "engine/base/percent_encoding.h"

namespace herald {
namespace {

constexpr absl::string_view kMasked = "****";

std::string PercentEncoded(absl::string_view text, PercentStyle style) {
  std::string out;
  AppendPercentEncoded(text, &out, style);
  return out;
}

// Where the value after `name` starts in `text` (at `at`, just past
// `name`): past the separators an HTTP header, a JSON member or a query
// parameter puts between a name and its value. npos when no ':' or '='
// follows, so the word in a sentence ("Authorization required") stays.
size_t ValueStart(absl::string_view text, size_t at) {
  size_t i = at;
  bool assigned = false;
  for (int skipped = 0; i < text.size() && skipped < 4; ++i, ++skipped) {
    const char c = text[i];
    if (c == ':' || c == '=') {
      assigned = true;
    } else if (c != ' ' && c != '"' && c != '\'' && c != '\t') {
      break;
    }
  }
  return assigned ? i : absl::string_view::npos;
}

bool EndsValue(char c) {
  return c == '\r' || c == '\n' || c == '"' || c == '\'' || c == ',' ||
         c == '&' || c == '<' || c == ';';
}

// RFC 7235's token68, what follows "Basic " and "Bearer ".
bool IsToken68(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

enum class Value {
  kToLineEnd,  // an Authorization header's whole value
  kToken,      // a credential after an auth scheme: 8 or more token68 chars
};

// Replaces the value after each (case-insensitive) occurrence of `name`.
void MaskValuesAfter(absl::string_view name, Value kind, std::string* text) {
  const std::string lower = absl::AsciiStrToLower(*text);
  std::string out;
  size_t copied = 0;
  size_t from = 0;
  for (;;) {
    const size_t at = absl::string_view(lower).find(name, from);
    if (at == std::string::npos) break;
    const size_t begin = kind == Value::kToken
                             ? at + name.size()
                             : ValueStart(*text, at + name.size());
    // A value masked already (text that passed here before, then lost its
    // line ends) stays as it is rather than swallowing what follows it.
    if (begin == absl::string_view::npos ||
        absl::StartsWith(absl::string_view(*text).substr(begin), kMasked)) {
      from = at + name.size();
      continue;
    }
    size_t end = begin;
    if (kind == Value::kToken) {
      while (end < text->size() && IsToken68((*text)[end])) ++end;
    } else {
      while (end < text->size() && !EndsValue((*text)[end])) ++end;
    }
    from = at + name.size();
    if (end == begin || (kind == Value::kToken && end - begin < 8)) continue;
    out.append(*text, copied, begin - copied);
    out.append(kMasked.data(), kMasked.size());
    copied = end;
    from = end;
  }
  if (copied == 0) return;
  out.append(*text, copied, std::string::npos);
  *text = std::move(out);
}

}  // namespace

SecretMask::SecretMask(absl::string_view username, absl::string_view password) {
  if (password.empty()) return;
  forms_.emplace_back(password);
  forms_.push_back(PercentEncoded(password, {}));
  forms_.push_back(PercentEncoded(password, {.lower_hex = true}));
  forms_.push_back(PercentEncoded(password, {.plus_for_space = true}));
  if (!username.empty()) {
    const std::string basic = absl::StrCat(username, ":", password);
    forms_.push_back(absl::Base64Escape(basic));
    // Without its padding, as some echo it.
    std::string unpadded = absl::Base64Escape(basic);
    while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
    forms_.push_back(std::move(unpadded));
  }
  std::sort(forms_.begin(), forms_.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() > b.size();
            });
  forms_.erase(std::unique(forms_.begin(), forms_.end()), forms_.end());
}

std::string SecretMask::Mask(absl::string_view text) const {
  std::string out(text);
  // The longest form first, so a shorter one inside it does not leave the
  // rest of the longer in the clear.
  for (const std::string& form : forms_) {
    if (absl::StrContains(out, form)) {
      out = absl::StrReplaceAll(out, {{form, kMasked}});
    }
  }
  MaskValuesAfter("authorization", Value::kToLineEnd, &out);
  MaskValuesAfter("basic ", Value::kToken, &out);
  MaskValuesAfter("bearer ", Value::kToken, &out);
  return out;
}

}  // namespace herald
