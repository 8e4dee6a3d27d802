#include "engine/base/utf8.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace herald {
namespace {

const uint8_t* Bytes(absl::string_view text) {
  return reinterpret_cast<const uint8_t*>(text.data());
}

// U+FFFD as UTF-8.
constexpr char kReplacementUtf8[] = "\xEF\xBF\xBD";
constexpr size_t kReplacementBytes = sizeof(kReplacementUtf8) - 1;

// Characters a person cannot see or that move the cursor: shown by code point.
bool IsInvisible(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD ||
         (c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool IsControl(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
}

}  // namespace

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | c >> 6));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | c >> 12));
    out->push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | c >> 18));
    out->push_back(static_cast<char>(0x80 | (c >> 12 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

void AppendValidUtf8(absl::string_view text, std::string* out) {
  const uint8_t* p = Bytes(text);
  const uint8_t* end = p + text.size();
  const uint8_t* run = p;  // start of the valid bytes not yet copied
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const Utf8Char c = DecodeUtf8At(p, end);
    if (c.code_point == kReplacementCharacter && c.length == 1) {
      out->append(reinterpret_cast<const char*>(run), p - run);
      out->append(kReplacementUtf8);
      run = p + 1;
    }
    p += c.length;
  }
  out->append(reinterpret_cast<const char*>(run), end - run);
}

std::string ValidUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendValidUtf8(text, &out);
  return out;
}

absl::string_view Utf8Prefix(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const uint8_t* begin = Bytes(text);
  const uint8_t* end = begin + text.size();
  const uint8_t* p = begin;
  while (p < end) {
    const Utf8Char c = DecodeUtf8At(p, end);
    if (static_cast<size_t>(p - begin) + c.length > max_bytes) break;
    p += c.length;
  }
  return text.substr(0, p - begin);
}

std::string OneLineText(absl::string_view text, size_t max_bytes) {
  constexpr char kCut[] = "...";
  std::string out;
  const uint8_t* p = Bytes(text);
  const uint8_t* end = p + text.size();
  const size_t limit =
      max_bytes > (sizeof(kCut) - 1) ? max_bytes - (sizeof(kCut) - 1) : 0;
  bool cut = false;
  // Where the cut goes when one is needed: the text shown up to the first
  // character that would not leave room for kCut.
  size_t cut_at = std::string::npos;
  while (p < end) {
    const Utf8Char c = DecodeUtf8At(p, end);
    const bool malformed =
        c.code_point == kReplacementCharacter && c.length == 1;
    const size_t width = IsControl(c.code_point) ? 1
                         : malformed             ? kReplacementBytes
                                                 : c.length;
    if (cut_at == std::string::npos && out.size() + width > limit) {
      cut_at = out.size();
    }
    // Measured as shown, not as given: a malformed byte shows as three.
    if (out.size() + width > max_bytes) {
      cut = true;
      out.resize(cut_at);
      break;
    }
    if (IsControl(c.code_point)) {
      out.push_back(' ');
    } else if (malformed) {
      out.append(kReplacementUtf8);
    } else {
      out.append(reinterpret_cast<const char*>(p), c.length);
    }
    p += c.length;
  }
  absl::string_view kept = absl::StripAsciiWhitespace(out);
  std::string result(kept);
  if (cut) result.append(kCut);
  return result;
}

std::string DescribeCharacterAt(absl::string_view text, int* length) {
  const Utf8Char c = DecodeUtf8At(Bytes(text), Bytes(text) + text.size());
  *length = c.length;
  if (c.code_point == kReplacementCharacter && c.length == 1) {
    return absl::StrFormat("byte 0x%02X", Bytes(text)[0]);
  }
  if (IsInvisible(c.code_point)) return absl::StrFormat("U+%04X", c.code_point);
  if (c.code_point < 0x80) return absl::StrFormat("'%c'", text[0]);
  return absl::StrFormat("'%s' (U+%04X)", text.substr(0, c.length),
                         c.code_point);
}

void TranscodeUtf16(bool little_endian, bool eof, std::string* raw,
                    std::string* out) {
  const auto* b = reinterpret_cast<const unsigned char*>(raw->data());
  const size_t n = raw->size();
  auto unit = [&](size_t i) -> char32_t {
    return little_endian ? (b[i] | b[i + 1] << 8) : (b[i] << 8 | b[i + 1]);
  };
  size_t i = 0;
  while (i + 2 <= n) {
    const char32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 4 > n) {
        if (!eof) break;  // its pair may be in the next read
        AppendUtf8(kReplacementCharacter, out);
        i += 2;
        continue;
      }
      const char32_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        AppendUtf8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), out);
        i += 4;
        continue;
      }
      AppendUtf8(kReplacementCharacter, out);
      i += 2;
      continue;
    }
    AppendUtf8(u >= 0xDC00 && u <= 0xDFFF ? kReplacementCharacter : u, out);
    i += 2;
  }
  if (eof && i < n) {
    AppendUtf8(kReplacementCharacter, out);
    i = n;
  }
  raw->erase(0, i);
}

absl::StatusOr<std::string> DecodeCharset(absl::string_view bytes,
                                          absl::string_view charset) {
  const auto is = [&](absl::string_view name) {
    return absl::EqualsIgnoreCase(charset, name);
  };
  if (charset.empty() || is("UTF-8") || is("UTF8")) return ValidUtf8(bytes);
  std::string out;
  if (is("UTF-16BE") || is("UCS-2") || is("UCS-2BE")) {
    std::string raw(bytes);
    TranscodeUtf16(false, true, &raw, &out);
    return out;
  }
  if (is("ISO-8859-1") || is("latin1")) {
    for (char c : bytes) AppendUtf8(static_cast<unsigned char>(c), &out);
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("charset \"", OneLineText(charset, 32),
                   "\": herald reads UTF-8, UTF-16BE (UCS-2) and ISO-8859-1"));
}

}  // namespace herald
