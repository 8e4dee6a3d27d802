#include "engine/base/json_text.h"

#include <cstdint>
#include <cstring>

#include "engine/base/utf8.h"

namespace herald {
namespace {

bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// True when any of the eight bytes of `word` is below 0x20, '"', '\\' or
// not ASCII (the classic "has a zero byte / has a byte less than n" bit
// tricks).
bool WordNeedsLook(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighs;
  return (below_space | (word & kHighs) | has_zero(word ^ (kOnes * '"')) |
          has_zero(word ^ (kOnes * '\\'))) != 0;
}

// Past the character that starts at text[i] (not ASCII). Valid UTF-8 is
// left to be copied; a malformed byte becomes U+FFFD, so nothing from
// outside can make a line that JSON readers refuse. Out of line: the ASCII
// loop stays small.
[[gnu::noinline]] size_t PastUtf8Character(absl::string_view text, size_t i,
                                           size_t* run, std::string* out) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data()) + i;
  const Utf8Char u = DecodeUtf8At(p, p + (text.size() - i));
  if (u.code_point == kReplacementCharacter && u.length == 1) {
    out->append(text.data() + *run, i - *run);
    out->append("\xEF\xBF\xBD");
    *run = i + 1;
  }
  return i + u.length;
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  AppendJsonEscaped(text, out);
  out->push_back('"');
}

void AppendJsonEscaped(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t run = 0;  // start of the pending run of bytes that need no escape
  size_t i = 0;
  for (; i < text.size(); ++i) {
    // Skip eight clean ASCII bytes at a time; messages rarely need a look.
    while (i + 8 <= text.size()) {
      uint64_t word;
      memcpy(&word, text.data() + i, 8);
      if (WordNeedsLook(word)) break;
      i += 8;
    }
    if (i >= text.size()) break;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      i = PastUtf8Character(text, i, &run, out) - 1;
      continue;
    }
    if (!NeedsEscape(c)) continue;
    out->append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(text.data() + run, text.size() - run);
}

void UtcMillisFormatter::Append(absl::Time t, std::string* out) {
  const int64_t millis = absl::ToUnixMillis(t);
  int64_t second = millis / 1000;
  int64_t ms = millis % 1000;
  if (ms < 0) {
    ms += 1000;
    --second;
  }
  if (second != cached_second_) {
    cached_second_ = second;
    cached_prefix_ =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S.", absl::FromUnixSeconds(second),
                         absl::UTCTimeZone());
  }
  out->append(cached_prefix_);
  out->push_back(static_cast<char>('0' + ms / 100));
  out->push_back(static_cast<char>('0' + ms / 10 % 10));
  out->push_back(static_cast<char>('0' + ms % 10));
  out->push_back('Z');
}

}  // namespace herald
