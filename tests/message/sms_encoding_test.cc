#include "engine/message/sms_encoding.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The GSM 03.38 basic table, row by row as in 3GPP TS 23.038 section 6.2.1,
// without ESC (0x1B). Written out here rather than taken from the
// implementation, so that a slip in its table shows up as a failure.
const std::vector<char32_t>& BasicTable() {
  static const auto* table = new std::vector<char32_t>{
      // 0x00: @ £ $ ¥ è é ù ì ò Ç LF Ø ø CR Å å
      0x0040, 0x00A3, 0x0024, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2,
      0x00C7, 0x000A, 0x00D8, 0x00F8, 0x000D, 0x00C5, 0x00E5,
      // 0x10: Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ (ESC) Æ æ ß É
      0x0394, 0x005F, 0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8, 0x03A3,
      0x0398, 0x039E, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
      // 0x20: SP ! " # ¤ % & ' ( ) * + , - . /
      0x0020, 0x0021, 0x0022, 0x0023, 0x00A4, 0x0025, 0x0026, 0x0027, 0x0028,
      0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,
      // 0x30: 0-9 : ; < = > ?
      0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038,
      0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,
      // 0x40: ¡ A-Z Ä Ö Ñ Ü §
      0x00A1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, 0x0048,
      0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F, 0x0050, 0x0051,
      0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005A,
      0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
      // 0x60: ¿ a-z ä ö ñ ü à
      0x00BF, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068,
      0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F, 0x0070, 0x0071,
      0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, 0x0078, 0x0079, 0x007A,
      0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0};
  return *table;
}

// The extension table: FF ^ { } \ [ ~ ] | €.
const std::vector<char32_t>& ExtensionTable() {
  static const auto* table =
      new std::vector<char32_t>{0x000C, 0x005E, 0x007B, 0x007D, 0x005C,
                                0x005B, 0x007E, 0x005D, 0x007C, 0x20AC};
  return *table;
}

std::string Utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

std::string Utf8(const std::vector<char32_t>& code_points) {
  std::string out;
  for (char32_t c : code_points) out += Utf8(c);
  return out;
}

// "U+20AC", for failure messages.
std::string Name(char32_t c) {
  return absl::StrCat("U+",
                      absl::Hex(static_cast<uint32_t>(c), absl::kZeroPad4));
}

std::string Repeat(absl::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(piece.data(), piece.size());
  return out;
}

const std::string kEuro = Utf8(0x20AC);
const std::string kEmoji = Utf8(0x1F600);  // 😀, a surrogate pair in UTF-16
const std::string kCJK = Utf8(0x4E2D);     // 中
const std::string kAAcute = Utf8(0x00E1);  // á, not in GSM-7

// The test's own model of the alphabet, from the lists above.
int ExpectedSeptets(char32_t c) {
  const auto& basic = BasicTable();
  const auto& extension = ExtensionTable();
  if (std::find(basic.begin(), basic.end(), c) != basic.end()) return 1;
  if (std::find(extension.begin(), extension.end(), c) != extension.end()) {
    return 2;
  }
  return 0;
}

// Decodes valid UTF-8 written by Utf8() above.
std::vector<char32_t> CodePoints(absl::string_view text) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<uint8_t>(text[i]);
    int length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = length == 1   ? b
                 : length == 2 ? b & 0x1F
                 : length == 3 ? b & 0x0F
                               : b & 0x07;
    for (int k = 1; k < length; ++k) {
      c = c << 6 | (static_cast<uint8_t>(text[i + k]) & 0x3F);
    }
    out.push_back(c);
    i += length;
  }
  return out;
}

int ExpectedCost(char32_t c, SmsEncoding encoding) {
  if (encoding == SmsEncoding::kUcs2) return c >= 0x10000 ? 2 : 1;
  return ExpectedSeptets(c);
}

int ExpectedUnits(absl::string_view text, SmsEncoding encoding) {
  int units = 0;
  for (char32_t c : CodePoints(text)) units += ExpectedCost(c, encoding);
  return units;
}

TEST(EncodingNameTest, NamesBoth) {
  EXPECT_EQ(EncodingName(SmsEncoding::kGsm7), "GSM-7");
  EXPECT_EQ(EncodingName(SmsEncoding::kUcs2), "UCS-2");
}

TEST(SegmentTest, EmptyTextHasNoSegments) {
  const SmsSegmentation s = Segment("");
  EXPECT_EQ(s.encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(s.units, 0);
  EXPECT_EQ(s.segments, 0);
}

TEST(SegmentTest, EveryBasicCharacterIsOneSeptet) {
  ASSERT_EQ(BasicTable().size(), 127u);  // 128 positions less ESC
  for (char32_t c : BasicTable()) {
    const SmsSegmentation s = Segment(Utf8(c));
    EXPECT_EQ(s.encoding, SmsEncoding::kGsm7) << Name(c);
    EXPECT_EQ(s.units, 1) << Name(c);
    EXPECT_EQ(s.segments, 1) << Name(c);
  }
  const SmsSegmentation all = Segment(Utf8(BasicTable()));
  EXPECT_EQ(all.encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(all.units, 127);
  EXPECT_EQ(all.segments, 1);
}

TEST(SegmentTest, EveryExtensionCharacterIsTwoSeptets) {
  ASSERT_EQ(ExtensionTable().size(), 10u);
  for (char32_t c : ExtensionTable()) {
    const SmsSegmentation s = Segment(absl::StrCat("a", Utf8(c), "b"));
    EXPECT_EQ(s.encoding, SmsEncoding::kGsm7) << Name(c);
    EXPECT_EQ(s.units, 4) << Name(c);
  }
  const SmsSegmentation all = Segment(Utf8(ExtensionTable()));
  EXPECT_EQ(all.encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(all.units, 20);
  EXPECT_EQ(all.segments, 1);
}

TEST(SegmentTest, CharactersJustOutsideForceUcs2) {
  const std::vector<char32_t> outside = {
      0x0060,   // ` backtick
      0x00E1,   // á
      0x00ED,   // í
      0x00F3,   // ó
      0x00FA,   // ú
      0x00E7,   // ç (only Ç is in the basic table)
      0x00C0,   // À
      0x00EA,   // ê
      0x0009,   // tab
      0x0000,   // NUL (GSM 0x00 is @, not NUL)
      0x007F,   // DEL
      0x00A0,   // no-break space
      0x2019,   // ’
      0x03B1,   // α (only capital Greek is in the table)
      0x2126,   // Ω ohm sign, not Greek capital omega
      0x20A4,   // ₤ lira sign, not £
      0x4E2D,   // 中
      0x1F600,  // 😀
  };
  for (char32_t c : outside) {
    const SmsSegmentation s = Segment(absl::StrCat("Hello ", Utf8(c)));
    EXPECT_EQ(s.encoding, SmsEncoding::kUcs2) << Name(c);
    EXPECT_EQ(s.units, c >= 0x10000 ? 8 : 7) << Name(c);
    EXPECT_EQ(s.segments, 1) << Name(c);
  }
  // UCS-2 counts UTF-16 units: the extension characters are one unit each.
  const SmsSegmentation mixed = Segment(absl::StrCat("{", kEuro, "}", kCJK));
  EXPECT_EQ(mixed.encoding, SmsEncoding::kUcs2);
  EXPECT_EQ(mixed.units, 4);
}

// Every code point of the first planes that matter, checked against the lists
// above: nothing outside them may slip into GSM-7.
TEST(SegmentTest, AgreesWithTheListsOnEveryCodePointBelowU3000) {
  std::vector<char32_t> code_points;
  for (char32_t c = 0; c < 0x3000; ++c) code_points.push_back(c);
  for (char32_t c : {0xFFFDu, 0xFEFFu, 0x1F600u, 0x10FFFFu}) {
    code_points.push_back(c);
  }
  for (char32_t c : code_points) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    const int septets = ExpectedSeptets(c);
    const int units = c >= 0x10000 ? 2 : 1;
    // Alone; repeated, so that ASCII goes through the 16-byte scan; and
    // between plain letters at an odd offset.
    const std::string alone = Utf8(c);
    const std::string repeated = Repeat(alone, 40);
    const std::string embedded =
        std::string(19, 'a') + alone + "bb" + alone + std::string(21, 'c');
    for (const auto& [text, count, plain] :
         {std::tuple(alone, 1, 0), std::tuple(repeated, 40, 0),
          std::tuple(embedded, 2, 42)}) {
      const SmsSegmentation s = Segment(text);
      if (septets != 0) {
        EXPECT_EQ(s.encoding, SmsEncoding::kGsm7) << Name(c) << " x" << count;
        EXPECT_EQ(s.units, count * septets + plain) << Name(c) << " x" << count;
      } else {
        EXPECT_EQ(s.encoding, SmsEncoding::kUcs2) << Name(c) << " x" << count;
        EXPECT_EQ(s.units, count * units + plain) << Name(c) << " x" << count;
      }
    }
  }
}

TEST(SegmentTest, Gsm7BoundaryLengths) {
  struct Case {
    int length;
    int segments;
  };
  for (const Case& c : std::vector<Case>{{1, 1},
                                         {153, 1},
                                         {154, 1},
                                         {160, 1},
                                         {161, 2},
                                         {306, 2},
                                         {307, 3},
                                         {459, 3},
                                         {460, 4},
                                         {612, 4},
                                         {613, 5},
                                         {765, 5},
                                         {766, 6},
                                         {153 * 10, 10},
                                         {153 * 10 + 1, 11},
                                         {153 * 255, 255},
                                         {153 * 255 + 1, 256}}) {
    const SmsSegmentation s = Segment(std::string(c.length, 'x'));
    EXPECT_EQ(s.encoding, SmsEncoding::kGsm7) << c.length;
    EXPECT_EQ(s.units, c.length);
    EXPECT_EQ(s.segments, c.segments) << c.length;
  }
}

TEST(SegmentTest, Gsm7CountsNonAsciiCharactersOnce) {
  // é is two UTF-8 bytes but one septet.
  EXPECT_EQ(Segment(Repeat("\xC3\xA9", 160)).segments, 1);
  EXPECT_EQ(Segment(Repeat("\xC3\xA9", 160)).units, 160);
  EXPECT_EQ(Segment(Repeat("\xC3\xA9", 161)).segments, 2);
}

TEST(SegmentTest, Ucs2BoundaryLengths) {
  struct Case {
    int length;
    int segments;
  };
  for (const Case& c : std::vector<Case>{{1, 1},
                                         {67, 1},
                                         {70, 1},
                                         {71, 2},
                                         {134, 2},
                                         {135, 3},
                                         {201, 3},
                                         {202, 4},
                                         {67 * 10, 10},
                                         {67 * 10 + 1, 11}}) {
    // One á makes the whole text UCS-2; the rest is ASCII.
    const std::string text = kAAcute + std::string(c.length - 1, 'x');
    const SmsSegmentation s = Segment(text);
    EXPECT_EQ(s.encoding, SmsEncoding::kUcs2) << c.length;
    EXPECT_EQ(s.units, c.length);
    EXPECT_EQ(s.segments, c.segments) << c.length;
    // Same with only ASCII: a backtick forces UCS-2 too.
    std::string backtick(c.length, 'x');
    backtick[0] = '`';
    const SmsSegmentation ascii = Segment(backtick);
    EXPECT_EQ(ascii.encoding, SmsEncoding::kUcs2) << c.length;
    EXPECT_EQ(ascii.units, c.length);
    EXPECT_EQ(ascii.segments, c.segments) << c.length;
  }
}

TEST(SegmentTest, ExtensionCharactersCountTwiceTowardsTheLimit) {
  // 80 € are 160 septets: one message. One more septet makes two parts:
  // 76 € (152 septets; a 77th would not fit), then 4 € and the 'a'.
  EXPECT_EQ(Segment(Repeat(kEuro, 80)).units, 160);
  EXPECT_EQ(Segment(Repeat(kEuro, 80)).segments, 1);
  const std::string text = Repeat(kEuro, 80) + "a";
  EXPECT_EQ(Segment(text).segments, 2);
  EXPECT_THAT(PartBoundaries(text, Segment(text)), ElementsAre(76 * 3));
  // ASCII extension characters take the fast path but count the same.
  EXPECT_EQ(Segment(std::string(80, '{')).segments, 1);
  EXPECT_EQ(Segment(std::string(80, '{') + "a").units, 161);
  EXPECT_EQ(Segment(std::string(80, '{') + "a").segments, 2);
  // Enough for the per-lane counters of the 16-byte scan to wrap if they
  // were not added up in time.
  std::string many(255 * 16 * 3 + 5, '~');
  many[100] = 'a';
  EXPECT_EQ(Segment(many).units, 2 * static_cast<int>(many.size()) - 1);
}

// An escape pair at each position around the first split, in the layout
// 'a' x k, €, 'b' x 200 (k + 203 septets, so always at least 2 parts). The
// first part ends where the next character no longer fits 153 septets.
TEST(SegmentTest, EscapePairIsNeverSplit) {
  struct Case {
    int k;
    size_t first_boundary;
  };
  for (const Case& c : std::vector<Case>{
           // 149 a + € = 151 septets, two b fill it: 149 + 3 + 2 bytes.
           {149, 154},
           // 150 a + € = 152, one b fills it.
           {150, 154},
           // 151 a + € = 153 exactly.
           {151, 154},
           // 152 a + € would be 154: the € starts part 2.
           {152, 152},
           // 153 a fill part 1.
           {153, 153},
           {154, 153},
       }) {
    for (const std::string& escape : {kEuro, std::string("^")}) {
      const std::string text =
          std::string(c.k, 'a') + escape + std::string(200, 'b');
      const SmsSegmentation s = Segment(text);
      ASSERT_EQ(s.encoding, SmsEncoding::kGsm7);
      const std::vector<size_t> boundaries = PartBoundaries(text, s);
      ASSERT_FALSE(boundaries.empty()) << c.k;
      // A one-byte ^ is two bytes shorter than €.
      const size_t expected =
          c.first_boundary > static_cast<size_t>(c.k)
              ? c.first_boundary - (kEuro.size() - escape.size())
              : c.first_boundary;
      EXPECT_EQ(boundaries[0], expected) << "k=" << c.k << " " << escape;
      EXPECT_EQ(static_cast<int>(boundaries.size()), s.segments - 1);
    }
  }
}

TEST(SegmentTest, EscapePairsCanNeedMorePartsThanTheDivisionSays) {
  // 152 a, €, 150 b, € is 306 septets and 304 characters; 306 / 153 = 2, but
  // part 1 is 152 a (the € would make 154), part 2 is € + 150 b (152; the
  // second € would make 154) and part 3 is the last €.
  const std::string text =
      std::string(152, 'a') + kEuro + std::string(150, 'b') + kEuro;
  const SmsSegmentation s = Segment(text);
  EXPECT_EQ(s.encoding, SmsEncoding::kGsm7);
  EXPECT_EQ(s.units, 306);
  EXPECT_EQ(s.segments, 3);
  EXPECT_THAT(PartBoundaries(text, s), ElementsAre(152, 152 + 3 + 150));

  // 153 € are 306 septets too: 76 €, 76 €, 1 €.
  const std::string euros = Repeat(kEuro, 153);
  EXPECT_EQ(Segment(euros).units, 306);
  EXPECT_EQ(Segment(euros).segments, 3);
  EXPECT_THAT(PartBoundaries(euros, Segment(euros)),
              ElementsAre(76 * 3, 152 * 3));

  // The same with one-byte ^ on the ASCII path.
  const std::string carets =
      std::string(152, 'a') + "^" + std::string(150, 'b') + "^";
  EXPECT_EQ(Segment(carets).segments, 3);
  EXPECT_THAT(PartBoundaries(carets, Segment(carets)),
              ElementsAre(152, 152 + 1 + 150));

  // 161 characters: 152 a, €, 8 b is 162 septets. The € goes to part 2 and
  // that is all: 2 parts, as the division says.
  const std::string short_text =
      std::string(152, 'a') + kEuro + std::string(8, 'b');
  EXPECT_EQ(Segment(short_text).segments, 2);
  EXPECT_THAT(PartBoundaries(short_text, Segment(short_text)),
              ElementsAre(152));
}

// A surrogate pair at each position around the first 67-unit split, in the
// layout 'a' x k, 😀, 'b' x 100.
TEST(SegmentTest, SurrogatePairIsNeverSplit) {
  struct Case {
    int k;
    size_t first_boundary;
  };
  for (const Case& c : std::vector<Case>{
           {64, 64 + 4 + 1},  // 64 + 2 = 66, one b fills the part
           {65, 65 + 4},      // 65 + 2 = 67 exactly
           {66, 66},          // 66 + 2 = 68: the emoji starts part 2
           {67, 67},
           {68, 67},
       }) {
    const std::string text =
        std::string(c.k, 'a') + kEmoji + std::string(100, 'b');
    const SmsSegmentation s = Segment(text);
    ASSERT_EQ(s.encoding, SmsEncoding::kUcs2);
    EXPECT_EQ(s.units, c.k + 102);
    const std::vector<size_t> boundaries = PartBoundaries(text, s);
    ASSERT_FALSE(boundaries.empty());
    EXPECT_EQ(boundaries[0], c.first_boundary) << "k=" << c.k;
    EXPECT_EQ(static_cast<int>(boundaries.size()), s.segments - 1);
  }
  // 66 a, 😀, 66 b is 134 units (2 by division) but needs 3 parts: 66 a;
  // 😀 + 65 b; 1 b.
  const std::string text = std::string(66, 'a') + kEmoji + std::string(66, 'b');
  const SmsSegmentation s = Segment(text);
  EXPECT_EQ(s.units, 134);
  EXPECT_EQ(s.segments, 3);
  EXPECT_THAT(PartBoundaries(text, s), ElementsAre(66, 66 + 4 + 65));
}

TEST(PartBoundariesTest, EmptyWhenOneMessage) {
  for (absl::string_view text : {"", "hello", "x"}) {
    EXPECT_THAT(PartBoundaries(text, Segment(text)), IsEmpty());
  }
  const std::string full(160, 'x');
  EXPECT_THAT(PartBoundaries(full, Segment(full)), IsEmpty());
  const std::string ucs2_full = kCJK + std::string(69, 'x');
  EXPECT_THAT(PartBoundaries(ucs2_full, Segment(ucs2_full)), IsEmpty());
}

TEST(PartBoundariesTest, GsmTextCanBeSplitAsUcs2) {
  const std::string text(100, 'x');
  SmsSegmentation s = Segment(text);
  ASSERT_EQ(s.segments, 1);
  s.encoding = SmsEncoding::kUcs2;
  EXPECT_THAT(PartBoundaries(text, s), ElementsAre(67));
}

TEST(PartBoundariesTest, EqualParts) {
  const std::string text(153 * 3, 'x');
  EXPECT_THAT(PartBoundaries(text, Segment(text)), ElementsAre(153, 306));
  const std::string ucs2 = kCJK + std::string(67 * 3 - 1, 'x');
  // The 3-byte 中 shifts every offset by 2.
  EXPECT_THAT(PartBoundaries(ucs2, Segment(ucs2)), ElementsAre(69, 136));
}

// Random texts from a mix of one-byte, extension, two-, three- and four-byte
// characters: every part fits, is filled as far as it goes, starts on a
// character, and the parts put back together are the text.
TEST(PartBoundariesTest, PartsAreWholeFullAndReassemble) {
  const std::vector<std::string> gsm_pieces = {
      "a", " ", "Z", "{", "\\", "\n", kEuro, Utf8(0x00E9), Utf8(0x0394)};
  const std::vector<std::string> other_pieces = {kEmoji, kCJK, kAAcute, "`"};
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    const bool gsm_only = round % 2 == 0;
    const int length = static_cast<int>(rng() % 700);
    std::string text;
    for (int i = 0; i < length; ++i) {
      if (!gsm_only && rng() % 20 == 0) {
        text += other_pieces[rng() % other_pieces.size()];
      } else {
        // Mostly plain letters, so texts are long in septets.
        text += rng() % (1 + round % 4) == 0
                    ? gsm_pieces[rng() % gsm_pieces.size()]
                    : "a";
      }
    }
    const SmsSegmentation s = Segment(text);
    if (text.empty()) continue;
    bool all_gsm = true;
    for (char32_t c : CodePoints(text)) all_gsm &= ExpectedSeptets(c) != 0;
    ASSERT_EQ(s.encoding, all_gsm ? SmsEncoding::kGsm7 : SmsEncoding::kUcs2)
        << text;
    ASSERT_EQ(s.units, ExpectedUnits(text, s.encoding)) << text;

    const std::vector<size_t> boundaries = PartBoundaries(text, s);
    ASSERT_EQ(static_cast<int>(boundaries.size()), std::max(s.segments - 1, 0))
        << text;
    const int part_capacity = s.encoding == SmsEncoding::kGsm7 ? 153 : 67;
    std::vector<size_t> starts = {0};
    starts.insert(starts.end(), boundaries.begin(), boundaries.end());
    starts.push_back(text.size());
    std::string reassembled;
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
      ASSERT_LT(starts[i], starts[i + 1]) << text;
      // Starts on a character: not a UTF-8 continuation byte.
      ASSERT_NE(static_cast<uint8_t>(text[starts[i]]) & 0xC0, 0x80) << text;
      const absl::string_view part(text.data() + starts[i],
                                   starts[i + 1] - starts[i]);
      reassembled.append(part.data(), part.size());
      if (boundaries.empty()) continue;
      const int units = ExpectedUnits(part, s.encoding);
      ASSERT_LE(units, part_capacity) << text;
      if (i + 2 < starts.size()) {
        // The next character would not have fitted.
        const char32_t next =
            CodePoints(absl::string_view(text).substr(starts[i + 1]))[0];
        ASSERT_GT(units + ExpectedCost(next, s.encoding), part_capacity);
      }
    }
    EXPECT_EQ(reassembled, text);
  }
}

TEST(TrimToOneSegmentTest, ReturnsFittingTextUnchanged) {
  for (const std::string& text :
       {std::string(), std::string("hello"), std::string(160, 'x'),
        Repeat(kEuro, 80), kCJK + std::string(69, 'x')}) {
    const SmsSegmentation s = Segment(text);
    const absl::string_view trimmed = TrimToOneSegment(text, s.encoding);
    EXPECT_EQ(trimmed.data(), text.data());
    EXPECT_EQ(trimmed.size(), text.size());
  }
}

TEST(TrimToOneSegmentTest, Gsm7CutsAt160Septets) {
  const std::string text(200, 'x');
  EXPECT_EQ(TrimToOneSegment(text, SmsEncoding::kGsm7), std::string(160, 'x'));
  // é is two bytes but one septet.
  const std::string accented = Repeat(Utf8(0x00E9), 200);
  EXPECT_EQ(TrimToOneSegment(accented, SmsEncoding::kGsm7),
            Repeat(Utf8(0x00E9), 160));
}

TEST(TrimToOneSegmentTest, Gsm7NeverKeepsHalfAnEscapePair) {
  // 159 + 2 would straddle septet 160: the € goes.
  const std::string straddling = std::string(159, 'x') + kEuro + "yy";
  EXPECT_EQ(TrimToOneSegment(straddling, SmsEncoding::kGsm7),
            std::string(159, 'x'));
  const std::string caret = std::string(159, 'x') + "^yy";
  EXPECT_EQ(TrimToOneSegment(caret, SmsEncoding::kGsm7), std::string(159, 'x'));
  // 158 + 2 ends exactly on 160: the € stays.
  const std::string ending = std::string(158, 'x') + kEuro + "yy";
  EXPECT_EQ(TrimToOneSegment(ending, SmsEncoding::kGsm7),
            std::string(158, 'x') + kEuro);
}

TEST(TrimToOneSegmentTest, Gsm7StopsBeforeACharacterOutsideGsm) {
  const std::string text = std::string(10, 'x') + kEmoji + std::string(10, 'y');
  EXPECT_EQ(TrimToOneSegment(text, SmsEncoding::kGsm7), std::string(10, 'x'));
}

TEST(TrimToOneSegmentTest, Ucs2CutsAt70Units) {
  const std::string text = kCJK + std::string(100, 'x');
  EXPECT_EQ(TrimToOneSegment(text, SmsEncoding::kUcs2),
            kCJK + std::string(69, 'x'));
  // 69 + 2 would straddle unit 70: the emoji goes.
  const std::string straddling = std::string(69, 'x') + kEmoji + "yy";
  EXPECT_EQ(TrimToOneSegment(straddling, SmsEncoding::kUcs2),
            std::string(69, 'x'));
  // 68 + 2 ends exactly on 70: the emoji stays.
  const std::string ending = std::string(68, 'x') + kEmoji + "yy";
  EXPECT_EQ(TrimToOneSegment(ending, SmsEncoding::kUcs2),
            std::string(68, 'x') + kEmoji);
  // Extension characters are one UCS-2 unit.
  EXPECT_EQ(TrimToOneSegment(Repeat(kEuro, 100), SmsEncoding::kUcs2),
            Repeat(kEuro, 70));
}

TEST(Ucs2CharactersTest, EmptyForGsmText) {
  EXPECT_THAT(Ucs2Characters(""), IsEmpty());
  EXPECT_THAT(Ucs2Characters(Utf8(BasicTable())), IsEmpty());
  EXPECT_THAT(Ucs2Characters(Utf8(ExtensionTable())), IsEmpty());
}

TEST(Ucs2CharactersTest, ListsDistinctCharactersInOrder) {
  const std::string text = absl::StrCat(
      "It", Utf8(0x2019), "s ", Utf8(0x00E9), "t", Utf8(0x00E9), " ", kEmoji,
      " ", Utf8(0x2013), " ", Utf8(0x2019), kCJK, kEmoji, "`", kEuro, "`");
  EXPECT_THAT(Ucs2Characters(text),
              ElementsAre(Utf8(0x2019), kEmoji, Utf8(0x2013), kCJK, "`"));
}

TEST(MalformedUtf8Test, IsCountedAsOneCharacterOutsideGsm) {
  // A stray continuation byte, a truncated € and a lone high byte.
  for (absl::string_view text : {"\x80", "\xE2\x82", "\xFF"}) {
    const SmsSegmentation s = Segment(text);
    EXPECT_EQ(s.encoding, SmsEncoding::kUcs2);
    EXPECT_EQ(s.units, static_cast<int>(text.size()));
  }
  EXPECT_THAT(Ucs2Characters("a\xFF"
                             "b\xFE"),
              ElementsAre("\xEF\xBF\xBD"));
  const std::string text = std::string(100, 'x') + "\xF0\x9F\x98";
  const SmsSegmentation s = Segment(text);
  EXPECT_EQ(s.units, 103);
  EXPECT_THAT(PartBoundaries(text, s), ElementsAre(67));
  EXPECT_EQ(TrimToOneSegment(text, SmsEncoding::kUcs2), std::string(70, 'x'));
}

std::string SmartEncoded(absl::string_view text) {
  std::string out;
  AppendSmartEncoded(text, &out);
  return out;
}

TEST(AppendSmartEncodedTest, MakesPastedTextGsm) {
  // “Hello” — it’s…
  const std::string pasted =
      absl::StrCat(Utf8(0x201C), "Hello", Utf8(0x201D), " ", Utf8(0x2014),
                   " it", Utf8(0x2019), "s", Utf8(0x2026));
  ASSERT_EQ(Segment(pasted).encoding, SmsEncoding::kUcs2);
  const std::string smart = SmartEncoded(pasted);
  EXPECT_EQ(smart, "\"Hello\" - it's...");
  EXPECT_EQ(Segment(smart).encoding, SmsEncoding::kGsm7);
  EXPECT_THAT(Ucs2Characters(smart), IsEmpty());
}

TEST(AppendSmartEncodedTest, AppendsToWhatIsThere) {
  std::string out = "Dear ";
  AppendSmartEncoded(absl::StrCat("Ann", Utf8(0x00A0), "Lee"), &out);
  EXPECT_EQ(out, "Dear Ann Lee");
}

TEST(AppendSmartEncodedTest, ReplacesEachListedCharacter) {
  struct Case {
    char32_t from;
    const char* to;
  };
  for (const Case& c : std::vector<Case>{
           {0x2018, "'"},  {0x2019, "'"},  {0x201A, "'"},  {0x201B, "'"},
           {0x2032, "'"},  {0x00B4, "'"},  {0x0060, "'"},  {0x02BC, "'"},
           {0xFF07, "'"},  {0x201C, "\""}, {0x201D, "\""}, {0x201E, "\""},
           {0x201F, "\""}, {0x2033, "\""}, {0x00AB, "\""}, {0x00BB, "\""},
           {0xFF02, "\""}, {0x2010, "-"},  {0x2011, "-"},  {0x2012, "-"},
           {0x2013, "-"},  {0x2014, "-"},  {0x2015, "-"},  {0x2212, "-"},
           {0x2022, "-"},  {0x2043, "-"},  {0xFF0D, "-"},  {0x2026, "..."},
           {0x00A0, " "},  {0x2000, " "},  {0x2005, " "},  {0x2009, " "},
           {0x200A, " "},  {0x202F, " "},  {0x205F, " "},  {0x3000, " "},
           {0x200B, ""},   {0x200C, ""},   {0x200D, ""},   {0x2060, ""},
           {0xFEFF, ""},   {0x00AD, ""},
       }) {
    const std::string smart =
        SmartEncoded(absl::StrCat("a", Utf8(c.from), "b"));
    EXPECT_EQ(smart, absl::StrCat("a", c.to, "b")) << Name(c.from);
    EXPECT_EQ(Segment(smart).encoding, SmsEncoding::kGsm7) << Name(c.from);
  }
}

TEST(AppendSmartEncodedTest, KeepsEverythingElse) {
  const std::string text =
      absl::StrCat("Caf", Utf8(0x00E9), " ", kEuro, " {x} ", kEmoji, kCJK,
                   kAAcute, Utf8(0x00E7), "\n\t", Utf8(0x2023));
  EXPECT_EQ(SmartEncoded(text), text);
  EXPECT_EQ(Segment(SmartEncoded(text)).encoding, SmsEncoding::kUcs2);
  EXPECT_EQ(SmartEncoded(Utf8(BasicTable())), Utf8(BasicTable()));
  EXPECT_EQ(SmartEncoded(Utf8(ExtensionTable())), Utf8(ExtensionTable()));
  EXPECT_EQ(SmartEncoded("\xFF"
                         "a"),
            "\xFF"
            "a");
}

}  // namespace
}  // namespace herald
