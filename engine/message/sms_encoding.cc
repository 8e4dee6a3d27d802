#include "engine/message/sms_encoding.h"

#include <algorithm>
#include <array>
#include <climits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "engine/base/utf8.h"

namespace herald {
namespace {

constexpr int kGsm7Single = 160;
constexpr int kGsm7Part = 153;
constexpr int kUcs2Single = 70;
constexpr int kUcs2Part = 67;

constexpr char32_t kEuroSign = 0x20AC;

// GSM 03.38 basic-table characters outside ASCII, each one septet.
constexpr char32_t kBasicNonAscii[] = {
    0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2,  // £ ¥ è é ù ì ò
    0x00C7, 0x00D8, 0x00F8, 0x00C5, 0x00E5,                  // Ç Ø ø Å å
    0x0394, 0x03A6, 0x0393, 0x039B, 0x03A9,                  // Δ Φ Γ Λ Ω
    0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E,                  // Π Ψ Σ Θ Ξ
    0x00C6, 0x00E6, 0x00DF, 0x00C9, 0x00A4, 0x00A1,  // Æ æ ß É ¤ ¡
    0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,          // Ä Ö Ñ Ü §
    0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,  // ¿ ä ö ñ ü à
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
// offset where each part after the first starts.
// A character that does not fit the rest of a part starts the next one, which
// is what keeps escape and surrogate pairs whole.
template <typename OnPart>
void WalkParts(absl::string_view text, SmsEncoding encoding, OnPart on_part) {
  const int capacity = PartCapacity(encoding);
  const uint8_t* const begin = Bytes(text);
  const uint8_t* const end = begin + text.size();
  int fill = 0;
  for (const uint8_t* p = begin; p < end;) {
    const Utf8Char c = DecodeUtf8At(p, end);
    const int cost = Cost(c.code_point, encoding);
    if (fill + cost > capacity) {
      on_part(static_cast<size_t>(p - begin));
      fill = 0;
    }
    fill += cost;
    p += c.length;
  }
}

// The units of `text` in `encoding`, saturating at INT_MAX.
int Units(absl::string_view text, SmsEncoding encoding) {
  const uint8_t* p = Bytes(text);
  const uint8_t* const end = p + text.size();
  int64_t units = 0;
  while (p < end && units <= INT_MAX) {
    const Utf8Char c = DecodeUtf8At(p, end);
    units += Cost(c.code_point, encoding);
    p += c.length;
  }
  return static_cast<int>(std::min<int64_t>(units, INT_MAX));
}

// Counts the parts of a greedy fill as a text is scanned, without looking at
// every character. Characters of one unit fill parts exactly, so a part ends
// `capacity` units after it starts unless a two-unit character (an escape or
// surrogate pair) would straddle that end and starts the next part instead.
// Only those characters need to be reported, with their unit offsets.
class PartCounter {
 public:
  explicit PartCounter(size_t capacity)
      : capacity_(capacity), part_end_(capacity) {}

  // A two-unit character starts at unit offset `offset`, after every
  // character reported before.
  void Pair(size_t offset) {
    OnesUntil(offset);
    if (offset + 2 > part_end_) {
      ++parts_;
      part_end_ = offset + capacity_;
    }
  }

  // Returns the number of parts of a text of `units` units.
  size_t Parts(size_t units) {
    OnesUntil(units);
    return parts_;
  }

 private:
  // One-unit characters fill the units up to `offset`; each one that starts
  // at the end of a part opens the next.
  void OnesUntil(size_t offset) {
    if (part_end_ < offset) {
      const size_t opened = (offset - part_end_ + capacity_ - 1) / capacity_;
      parts_ += opened;
      part_end_ += opened * capacity_;
    }
  }

  size_t capacity_;
  size_t part_end_;  // unit offset where the current part ends
  size_t parts_ = 1;
};

// What Segment() counts in its one pass, before it knows the encoding.
struct Tally {
  size_t units = 0;       // UTF-16 code units
  size_t extensions = 0;  // characters of the extension table
  bool not_gsm = false;   // a character outside GSM-7 was seen
  PartCounter gsm_parts{kGsm7Part};
  PartCounter ucs2_parts{kUcs2Part};

  // While the text is GSM-7, units are characters, so a character's septet
  // offset is its unit offset plus the escapes before it.
  void Extension() {
    gsm_parts.Pair(units + extensions);
    ++extensions;
  }
};

#if defined(__SSE2__)
// Tallies the 16 bytes at `p`, the first `skip` of which were tallied
// already, and returns true; or returns false, tallying nothing, if one of
// the other bytes is not ASCII. In ASCII a byte is a character and a UTF-16
// unit, so only the extension characters and those outside GSM-7 need
// finding, and both are small sets of byte values that compare in parallel.
inline bool TallyAsciiBlock(const uint8_t* p, int skip, Tally* tally) {
  const int lanes = 0xFFFF & (0xFFFF << skip);
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if ((_mm_movemask_epi8(v) & lanes) != 0) return false;
  // [ \ ] ^ and { | } ~ are 0x5B-0x5E and 0x7B-0x7E: one range once bit 5
  // is cleared. Signed compares are right: the bytes that count are ASCII.
  const __m128i folded =
      _mm_and_si128(v, _mm_set1_epi8(static_cast<char>(0xDF)));
  const __m128i is_form_feed = _mm_cmpeq_epi8(v, _mm_set1_epi8('\f'));
  const __m128i extension = _mm_or_si128(
      is_form_feed, _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8(0x5A)),
                                  _mm_cmplt_epi8(folded, _mm_set1_epi8(0x5F))));
  const __m128i gsm_control = _mm_or_si128(
      is_form_feed, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
  const __m128i not_gsm = _mm_or_si128(
      _mm_andnot_si128(gsm_control, _mm_cmplt_epi8(v, _mm_set1_epi8(' '))),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('`')),
                   _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))));
  tally->not_gsm |= (_mm_movemask_epi8(not_gsm) & lanes) != 0;
  // Extension characters are rare: visit each.
  const size_t lane0_units = tally->units - skip;
  for (unsigned mask = _mm_movemask_epi8(extension) & lanes; mask != 0;
       mask &= mask - 1) {
    tally->units = lane0_units + __builtin_ctz(mask);
    tally->Extension();
  }
  tally->units = lane0_units + 16;
  return true;
}
#endif  // __SSE2__

// Tallies the character at `p` (< `end`) and returns the next.
inline const uint8_t* TallyCharacter(const uint8_t* p, const uint8_t* end,
                                     Tally* tally) {
  if (*p < 0x80) {
    const int septets = kSeptetsBelow0x400[*p];
    if (septets == 2) tally->Extension();
    tally->not_gsm |= septets == 0;
    tally->units += 1;
    return p + 1;
  }
  const Utf8Char c = DecodeUtf8At(p, end);
  const int septets = GsmSeptets(c.code_point);
  if (septets == 2) tally->Extension();
  tally->not_gsm |= septets == 0;
  if (Ucs2Units(c.code_point) == 2) {
    tally->ucs2_parts.Pair(tally->units);
    tally->units += 2;
  } else {
    tally->units += 1;
  }
  return p + c.length;
}

Tally TallyText(absl::string_view text) {
  Tally tally;
  const uint8_t* const begin = Bytes(text);
  const uint8_t* const end = begin + text.size();
  const uint8_t* p = begin;
#if defined(__SSE2__)
  while (p < end) {
    while (end - p >= 16 && TallyAsciiBlock(p, 0, &tally)) p += 16;
    // A short ASCII tail: the last 16 bytes of the text, less those done.
    if (end - p < 16 && end - begin >= 16 &&
        TallyAsciiBlock(end - 16, 16 - static_cast<int>(end - p), &tally)) {
      break;
    }
    // Go character by character through the block that stopped the fast
    // scan (or the tail), then try the fast scan again.
    const uint8_t* const stop = end - p > 16 ? p + 16 : end;
    while (p < stop) p = TallyCharacter(p, end, &tally);
  }
#else
  while (p < end) p = TallyCharacter(p, end, &tally);
#endif
  return tally;
}

SmsSegmentation MakeSegmentation(SmsEncoding encoding, size_t units,
                                 PartCounter parts) {
  SmsSegmentation result;
  result.encoding = encoding;
  result.units = static_cast<int>(std::min<size_t>(units, INT_MAX));
  if (units == 0) {
    result.segments = 0;
  } else if (units <= static_cast<size_t>(SingleCapacity(encoding))) {
    result.segments = 1;
  } else {
    result.segments =
        static_cast<int>(std::min<size_t>(parts.Parts(units), INT_MAX));
  }
  return result;
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

SmsSegmentation Segment(absl::string_view text) {
  const Tally tally = TallyText(text);
  if (tally.not_gsm) {
    return MakeSegmentation(SmsEncoding::kUcs2, tally.units, tally.ucs2_parts);
  }
  // Every GSM-7 character is in the Basic Multilingual Plane, so here units
  // are characters, and each extension character adds its ESC septet.
  return MakeSegmentation(SmsEncoding::kGsm7, tally.units + tally.extensions,
                          tally.gsm_parts);
}

std::vector<size_t> PartBoundaries(absl::string_view text,
                                   const SmsSegmentation& segmentation) {
  std::vector<size_t> boundaries;
  const SmsEncoding encoding = segmentation.encoding;
  if (Units(text, encoding) <= SingleCapacity(encoding)) return boundaries;
  if (segmentation.segments > 1) {
    boundaries.reserve(
        std::min<size_t>(segmentation.segments - 1, text.size()));
  }
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
    const Utf8Char c = DecodeUtf8At(p, end);
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
    const Utf8Char c = DecodeUtf8At(p, end);
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
    const Utf8Char c = DecodeUtf8At(p, end);
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
