// Decoding UTF-8 one character at a time, for code that must see every
// character (segment counting, conversion to UTF-16) without allocating; and
// making bytes from outside (a cell, a provider's answer) safe to write into
// herald's own UTF-8 outputs.
#ifndef HERALD_ENGINE_BASE_UTF8_H_
#define HERALD_ENGINE_BASE_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

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

// Appends `code_point` (at most U+10FFFF) encoded as UTF-8.
void AppendUtf8(char32_t code_point, std::string* out);

// Transcodes the whole UTF-16 units of `*raw` to UTF-8 onto `*out`, leaving
// in `*raw` what may still pair with the next bytes (an odd byte, a high
// surrogate); at `eof` nothing is left, a broken tail being U+FFFD, as is
// an unpaired surrogate.
void TranscodeUtf16(bool little_endian, bool eof, std::string* raw,
                    std::string* out);

// `bytes` in `charset` (any case: UTF-8, UTF-16BE, UCS-2, ISO-8859-1 or
// latin1; empty: UTF-8) as valid UTF-8, what cannot be read as U+FFFD: how
// a gateway's text arrives (Kannel's %a with its %C). InvalidArgument
// naming any other charset.
absl::StatusOr<std::string> DecodeCharset(absl::string_view bytes,
                                          absl::string_view charset);

// Appends `text` with every byte that does not start a valid UTF-8 sequence
// replaced by U+FFFD, so the result is valid UTF-8 whatever `text` holds.
void AppendValidUtf8(absl::string_view text, std::string* out);

// `text` as valid UTF-8 (AppendValidUtf8).
std::string ValidUtf8(absl::string_view text);

// The longest prefix of `text` of at most `max_bytes` that does not end
// inside a UTF-8 character (a malformed byte counts as a character).
absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes);

// Text from outside, made fit to show a person on one line: valid UTF-8
// (U+FFFD for malformed bytes), every control character (C0, DEL, C1, and
// the line and paragraph separators) a space, white space at both ends
// dropped, and cut to at most `max_bytes` on a character boundary with
// "..." marking the cut. A provider's answer cannot move the cursor of the
// terminal it is shown on, nor start a line of its own in a log.
std::string OneLineText(absl::string_view text, size_t max_bytes);

// Names the character at the start of `text` (not empty) for an error
// message: "'/'" for ASCII, "'\u2013' (U+2013)" (the character itself in
// UTF-8) for the rest, "U+00A0" alone for an invisible one, "byte 0xE2" for
// a malformed byte. Sets `*length` to the bytes it spans.
std::string DescribeCharacterAt(absl::string_view text, int* length);

}  // namespace herald

#endif  // HERALD_ENGINE_BASE_UTF8_H_
