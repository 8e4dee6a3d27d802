// Decoding UTF-8 one character at a time, for code that must see every
// character (segment counting, conversion to UTF-16) without allocating.
#ifndef HERALD_ENGINE_UTF8_H_
#define HERALD_ENGINE_UTF8_H_

#include <cstddef>
#include <cstdint>

namespace herald {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

struct Utf8Char {
  char32_t code_point;
  int length;  // bytes
};

// Decodes the character at `p` (< `end`). A byte that does not start a valid,
// shortest-form UTF-8 sequence decodes as U+FFFD of length 1, so malformed
// input is never read past its end.
inline Utf8Char DecodeUtf8At(const uint8_t* p, const uint8_t* end) {
  const auto is_continuation = [](uint8_t b) { return (b & 0xC0) == 0x80; };
  const uint8_t b0 = p[0];
  if (b0 < 0x80) return {b0, 1};
  const ptrdiff_t available = end - p;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (available >= 2 && is_continuation(p[1])) {
      return {(char32_t{b0} & 0x1F) << 6 | (p[1] & 0x3F), 2};
    }
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (available >= 3 && is_continuation(p[1]) && is_continuation(p[2])) {
      const char32_t c =
          (char32_t{b0} & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
      if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) return {c, 3};
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (available >= 4 && is_continuation(p[1]) && is_continuation(p[2]) &&
        is_continuation(p[3])) {
      const char32_t c = (char32_t{b0} & 0x07) << 18 | (p[1] & 0x3F) << 12 |
                         (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
      if (c >= 0x10000 && c <= 0x10FFFF) return {c, 4};
    }
  }
  return {kReplacementCharacter, 1};
}

}  // namespace herald

#endif  // HERALD_ENGINE_UTF8_H_
