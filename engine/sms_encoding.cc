#include "engine/sms_encoding.h"

#include <algorithm>
#include <array>
#include <climits>

namespace herald {
namespace {

constexpr int kGsm7Single = 160;
constexpr int kGsm7Part = 153;
constexpr int kUcs2Single = 70;
constexpr int kUcs2Part = 67;

constexpr char32_t kReplacementCharacter = 0xFFFD;
constexpr char32_t kEuroSign = 0x20AC;

// GSM 03.38 basic-table characters outside ASCII, each one septet.
constexpr char32_t kBasicNonAscii[] = {
    0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2,  // £ ¥ è é ù ì ò
    0x00C7, 0x00D8, 0x00F8, 0x00C5, 0x00E5,                  // Ç Ø ø Å å
    0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9,                  // Δ Φ Γ Λ Ω
    0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E,                  // Π Ψ Σ Θ Ξ
    0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x00A4, 0x00A1,          // Æ æ ß É ¤ ¡
    0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,                  // Ä Ö Ñ Ü §
    0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,          // ¿ ä ö ñ ü à
};

// The extension table below U+0400, each ESC + code, so two septets. The
// other extension character, €, is the only GSM character above U+03FF.
constexpr char32_t kExtensionBelow0x400[] = {
    0x000C, '^', '{', '}', '\\', '[', '~', ']', '|',
};

// Septets per code point below U+0400, which covers every GSM character but
// €: 0 when the character is not in GSM-7.
constexpr std::array<uint8_t, 0x400> kSeptetsBelow0x400 = [] {
  std::array<uint8_t, 0x400> table{};
  for (char32_t c = 0x20; c < 0x7F; ++c) table[c] = 1;
  table['`'] = 0;
  table['\n'] = 1;
  table['\r'] = 1;
  for (char32_t c : kExtensionBelow0x400) table[c] = 2;
  for (char32_t c : kBasicNonAscii) table[c] = 1;
  return table;
}();

int GsmSeptets(char32_t c) {
  if (c < kSeptetsBelow0x400.size()) return kSeptetsBelow0x400[c];
  return c == kEuroSign ? 2 : 0;
}

int Ucs2Units(char32_t c) { return c >= 0x10000 ? 2 : 1; }

// A byte's class for the scan of ASCII text: bits 0-1 are the septets of an
// ASCII character, kNotGsm marks ASCII outside GSM-7 and kNotAscii a byte of a
// multi-byte character. One table load per byte, no branch.
constexpr uint8_t kNotGsm = 4;
constexpr uint8_t kNotAscii = 8;
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> table{};
  for (int b = 0; b < 0x80; ++b) {
    const uint8_t septets = kSeptetsBelow0x400[b];
    table[b] = septets == 0 ? kNotGsm : septets;
  }
  for (int b = 0x80; b < 0x100; ++b) table[b] = kNotAscii;
  return table;
}();

struct Utf8Char {
  char32_t code_point;
  int length;  // bytes
};

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// Decodes the character at `p` (< `end`). A byte that does not start a valid,
// shortest-form UTF-8 sequence decodes as U+FFFD of length 1.
Utf8Char DecodeAt(const uint8_t* p, const uint8_t* end) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) return {b0, 1};
  const ptrdiff_t available = end - p;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (available >= 2 && IsContinuation(p[1])) {
      return {(char32_t{b0} & 0x1F) << 6 | (p[1] & 0x3F), 2};
    }
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (available >= 3 && IsContinuation(p[1]) && IsContinuation(p[2])) {
      const char32_t c =
          (char32_t{b0} & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
      if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) return {c, 3};
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (available >= 4 && IsContinuation(p[1]) && IsContinuation(p[2]) &&
        IsContinuation(p[3])) {
      const char32_t c = (char32_t{b0} & 0x07) << 18 | (p[1] & 0x3F) << 12 |
                         (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
      if (c >= 0x10000 && c <= 0x10FFFF) return {c, 4};
    }
  }
  return {kReplacementCharacter, 1};
}

const uint8_t* Bytes(absl::string_view text) {
  return reinterpret_cast<const uint8_t*>(text.data());
}

int SingleCapacity(SmsEncoding encoding) {
  return encoding == SmsEncoding::kGsm7 ? kGsm7Single : kUcs2Single;
}

int PartCapacity(SmsEncoding encoding) {
  return encoding == SmsEncoding::kGsm7 ? kGsm7Part : kUcs2Part;
}

// The cost of `c` in `encoding`. Under GSM-7 a character outside the alphabet
// counts as the one-septet '?' a transport substitutes for it.
int Cost(char32_t c, SmsEncoding encoding) {
  if (encoding == SmsEncoding::kUcs2) return Ucs2Units(c);
  return std::max(GsmSeptets(c), 1);
}

// Fills parts of `encoding` greedily and calls `on_part(offset)` with the byte
// offset where each part after the first starts. Returns the number of parts.
// A character that does not fit the rest of a part starts the next one, which
// is what keeps escape and surrogate pairs whole.
template <typename OnPart>
int WalkParts(absl::string_view text, SmsEncoding encoding, OnPart on_part) {
  const int capacity = PartCapacity(encoding);
  const uint8_t* const begin = Bytes(text);
  const uint8_t* const end = begin + text.size();
  int parts = 1;
  int fill = 0;
  for (const uint8_t* p = begin; p < end;) {
    const Utf8Char c = DecodeAt(p, end);
    const int cost = Cost(c.code_point, encoding);
    if (fill + cost > capacity) {
      ++parts;
      on_part(static_cast<size_t>(p - begin));
      fill = 0;
    }
    fill += cost;
    p += c.length;
  }
  return parts;
}

// The units of `text` in `encoding`, saturating at INT_MAX.
int Units(absl::string_view text, SmsEncoding encoding) {
  const uint8_t* p = Bytes(text);
  const uint8_t* const end = p + text.size();
  int64_t units = 0;
  while (p < end && units <= INT_MAX) {
    const Utf8Char c = DecodeAt(p, end);
    units += Cost(c.code_point, encoding);
    p += c.length;
  }
  return static_cast<int>(std::min<int64_t>(units, INT_MAX));
}

// Completes a segmentation from the counted units. `has_pairs` says whether
// any character costs 2 units; only then can the greedy fill need more parts
// than the division says, and only then is the text walked again.
SmsSegmentation Finish(SmsEncoding encoding, size_t units, bool has_pairs,
                       absl::string_view text) {
  SmsSegmentation result;
  result.encoding = encoding;
  result.units = static_cast<int>(std::min<size_t>(units, INT_MAX));
  if (units == 0) {
    result.segments = 0;
  } else if (units <= static_cast<size_t>(SingleCapacity(encoding))) {
    result.segments = 1;
  } else if (!has_pairs) {
    const size_t part = PartCapacity(encoding);
    result.segments =
        static_cast<int>(std::min<size_t>((units + part - 1) / part, INT_MAX));
  } else {
    result.segments = WalkParts(text, encoding, [](size_t) {});
  }
  return result;
}

// Segment() for text with a multi-byte character.
SmsSegmentation SegmentDecoded(absl::string_view text) {
  const uint8_t* p = Bytes(text);
  const uint8_t* const end = p + text.size();
  size_t septets = 0;
  size_t units = 0;
  bool gsm = true;
  bool escapes = false;
  bool surrogates = false;
  while (p < end) {
    const Utf8Char c = DecodeAt(p, end);
    const int septet_cost = GsmSeptets(c.code_point);
    const int unit_cost = Ucs2Units(c.code_point);
    gsm &= septet_cost != 0;
    escapes |= septet_cost == 2;
    surrogates |= unit_cost == 2;
    septets += septet_cost;
    units += unit_cost;
    p += c.length;
  }
  if (gsm) return Finish(SmsEncoding::kGsm7, septets, escapes, text);
  return Finish(SmsEncoding::kUcs2, units, surrogates, text);
}

// The GSM-7 stand-in for a typographic character, or false to keep it.
bool SmartReplacement(char32_t c, absl::string_view* replacement) {
  switch (c) {
    case 0x0060:  // ` grave accent, which GSM-7 lacks
    case 0x00B4:  // ´ acute accent
    case 0x02B9:  // ʹ modifier letter prime
    case 0x02BB:  // ʻ modifier letter turned comma
    case 0x02BC:  // ʼ modifier letter apostrophe
    case 0x2018:  // ‘
    case 0x2019:  // ’
    case 0x201A:  // ‚
    case 0x201B:  // ‛
    case 0x2032:  // ′ prime
    case 0xFF07:  // ＇ fullwidth apostrophe
      *replacement = "'";
      return true;
    case 0x00AB:  // «
    case 0x00BB:  // »
    case 0x02BA:  // ʺ modifier letter double prime
    case 0x201C:  // “
    case 0x201D:  // ”
    case 0x201E:  // „
    case 0x201F:  // ‟
    case 0x2033:  // ″ double prime
    case 0xFF02:  // ＂ fullwidth quotation mark
      *replacement = "\"";
      return true;
    case 0x2010:  // ‐ hyphen
    case 0x2011:  // ‑ non-breaking hyphen
    case 0x2012:  // ‒ figure dash
    case 0x2013:  // – en dash
    case 0x2014:  // — em dash
    case 0x2015:  // ― horizontal bar
    case 0x2022:  // • bullet
    case 0x2043:  // ⁃ hyphen bullet
    case 0x2212:  // − minus sign
    case 0xFF0D:  // － fullwidth hyphen-minus
      *replacement = "-";
      return true;
    case 0x2026:  // …
      *replacement = "...";
      return true;
    case 0x00A0:  // no-break space
    case 0x202F:  // narrow no-break space
    case 0x205F:  // medium mathematical space
    case 0x3000:  // ideographic space
      *replacement = " ";
      return true;
    case 0x00AD:  // soft hyphen
    case 0x200B:  // zero width space
    case 0x200C:  // zero width non-joiner
    case 0x200D:  // zero width joiner
    case 0x2060:  // word joiner
    case 0xFEFF:  // zero width no-break space (byte order mark)
      *replacement = "";
      return true;
    default:
      if (c >= 0x2000 && c <= 0x200A) {  // en quad ... hair space
        *replacement = " ";
        return true;
      }
      return false;
  }
}

}  // namespace

absl::string_view EncodingName(SmsEncoding encoding) {
  switch (encoding) {
    case SmsEncoding::kGsm7:
      return "GSM-7";
    case SmsEncoding::kUcs2:
      return "UCS-2";
  }
  return "UCS-2";
}

SmsSegmentation Segment(absl::string_view text) {
  // Most messages are ASCII, where a byte is a character: sum the septets
  // and collect the class bits in one pass, and decode only if a multi-byte
  // character turns up.
  const uint8_t* const p = Bytes(text);
  const size_t n = text.size();
  size_t septets = 0;
  uint8_t classes = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t c = kByteClass[p[i]];
    septets += c & 3;
    classes |= c;
  }
  if (classes & kNotAscii) return SegmentDecoded(text);
  // ASCII outside GSM-7 (a backtick or a control character) makes it UCS-2,
  // where every ASCII character is one unit.
  if (classes & kNotGsm) return Finish(SmsEncoding::kUcs2, n, false, text);
  return Finish(SmsEncoding::kGsm7, septets, septets != n, text);
}

std::vector<size_t> PartBoundaries(absl::string_view text,
                                   const SmsSegmentation& segmentation) {
  std::vector<size_t> boundaries;
  const SmsEncoding encoding = segmentation.encoding;
  if (Units(text, encoding) <= SingleCapacity(encoding)) return boundaries;
  if (segmentation.segments > 1) boundaries.reserve(segmentation.segments - 1);
  WalkParts(text, encoding,
            [&boundaries](size_t offset) { boundaries.push_back(offset); });
  return boundaries;
}

absl::string_view TrimToOneSegment(absl::string_view text,
                                   SmsEncoding encoding) {
  const int capacity = SingleCapacity(encoding);
  const uint8_t* const begin = Bytes(text);
  const uint8_t* const end = begin + text.size();
  int fill = 0;
  for (const uint8_t* p = begin; p < end;) {
    const Utf8Char c = DecodeAt(p, end);
    int cost;
    if (encoding == SmsEncoding::kGsm7) {
      cost = GsmSeptets(c.code_point);
      if (cost == 0) return text.substr(0, p - begin);
    } else {
      cost = Ucs2Units(c.code_point);
    }
    if (fill + cost > capacity) return text.substr(0, p - begin);
    fill += cost;
    p += c.length;
  }
  return text;
}

std::vector<std::string> Ucs2Characters(absl::string_view text) {
  std::vector<std::string> characters;
  const uint8_t* const begin = Bytes(text);
  const uint8_t* const end = begin + text.size();
  for (const uint8_t* p = begin; p < end;) {
    const Utf8Char c = DecodeAt(p, end);
    if (GsmSeptets(c.code_point) == 0) {
      // A malformed byte is shown as U+FFFD: the preview must stay UTF-8.
      const absl::string_view character =
          c.code_point == kReplacementCharacter && c.length == 1
              ? absl::string_view("\xEF\xBF\xBD")
              : text.substr(p - begin, c.length);
      if (std::find(characters.begin(), characters.end(), character) ==
          characters.end()) {
        characters.emplace_back(character.data(), character.size());
      }
    }
    p += c.length;
  }
  return characters;
}

void AppendSmartEncoded(absl::string_view text, std::string* out) {
  const uint8_t* const begin = Bytes(text);
  const uint8_t* const end = begin + text.size();
  // Copy unchanged runs whole; only a multi-byte character or a backtick can
  // be replaced.
  const uint8_t* run = begin;
  for (const uint8_t* p = begin; p < end;) {
    if (*p < 0x80 && *p != '`') {
      ++p;
      continue;
    }
    const Utf8Char c = DecodeAt(p, end);
    absl::string_view replacement;
    if (SmartReplacement(c.code_point, &replacement)) {
      out->append(reinterpret_cast<const char*>(run), p - run);
      out->append(replacement.data(), replacement.size());
      run = p + c.length;
    }
    p += c.length;
  }
  out->append(reinterpret_cast<const char*>(run), end - run);
}

}  // namespace herald
