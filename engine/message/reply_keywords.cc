#include "engine/message/reply_keywords.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "engine/base/utf8.h"

namespace herald {
namespace {

// A range of code points that all fold to one letter or digit each: the
// first of them to `first`, the next to first + 1, and so on, `period` at a
// time (the mathematical alphabets repeat every 52 letters or 10 digits).
struct Run {
  char32_t begin;
  char32_t end;  // inclusive
  char first;
  int period;
};

constexpr Run kRuns[] = {
    {0xFF10, 0xFF19, '0', 10},    // fullwidth digits
    {0xFF21, 0xFF3A, 'A', 26},    // fullwidth capitals
    {0xFF41, 0xFF5A, 'A', 26},    // fullwidth small letters
    {0x24B6, 0x24CF, 'A', 26},    // circled capitals
    {0x24D0, 0x24E9, 'A', 26},    // circled small letters
    {0x249C, 0x24B5, 'A', 26},    // parenthesized small letters
    {0x1F130, 0x1F149, 'A', 26},  // squared capitals
    {0x1D7CE, 0x1D7FF, '0', 10},  // mathematical digits
};

// Mathematical alphanumerics: 13 alphabets of 26 capitals then 26 small.
constexpr char32_t kMathBegin = 0x1D400;
constexpr char32_t kMathEnd = 0x1D6A3;

// Ranges whose characters are never part of a keyword: spaces, format and
// zero-width characters, punctuation, symbols, emoji, variation selectors.
constexpr std::pair<char32_t, char32_t> kIgnored[] = {
    {0x0080, 0x00A9},   {0x00AB, 0x00B1},   {0x00B4, 0x00B4},
    {0x00B6, 0x00B8},   {0x00BB, 0x00BF},   {0x00D7, 0x00D7},
    {0x00F7, 0x00F7},   {0x1680, 0x1680},   {0x180E, 0x180E},
    {0x2000, 0x206F},   {0x20A0, 0x20FF},   {0x2100, 0x214F},
    {0x2190, 0x2BFF},   {0x3000, 0x3003},   {0x3008, 0x301F},
    {0xFE00, 0xFE0F},   {0xFE30, 0xFE6F},   {0xFEFF, 0xFEFF},
    {0xFF01, 0xFF0F},   {0xFF1A, 0xFF20},   {0xFF3B, 0xFF40},
    {0xFF5B, 0xFF65},   {0x1F000, 0x1F12F}, {0x1F150, 0x1FAFF},
    {0xE0000, 0xE007F}, {0xE0100, 0xE01EF},
};

// The capital of a small letter of the Latin, Greek and Cyrillic blocks
// that languages of the platforms' keywords use (ARRÊT, СТОП); other
// characters as they are. Simple one-to-one mappings only.
char32_t Capital(char32_t c) {
  if ((c >= 0x00E0 && c <= 0x00FE && c != 0x00F7) ||
      (c >= 0x03B1 && c <= 0x03C9 && c != 0x03C2) ||
      (c >= 0x0430 && c <= 0x044F)) {
    return c - 0x20;
  }
  if (c == 0x00FF) return 0x0178;
  if (c == 0x03C2) return 0x03A3;  // final sigma
  if (c >= 0x0450 && c <= 0x045F) return c - 0x50;
  // Latin Extended-A pairs capital and small; the pairs start on an even
  // code point, but on an odd one in two stretches.
  const bool odd_pairs =
      (c >= 0x0139 && c <= 0x0148) || (c >= 0x0179 && c <= 0x017E);
  const bool even_pairs = (c >= 0x0100 && c <= 0x012F) ||
                          (c >= 0x0132 && c <= 0x0137) ||
                          (c >= 0x014A && c <= 0x0177);
  if ((even_pairs && c % 2 == 1) || (odd_pairs && c % 2 == 0)) return c - 1;
  return c;
}

// Appends what `c` folds to.
void AppendFolded(char32_t c, std::string* out) {
  if (c < 0x80) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      out->push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
    return;
  }
  for (const Run& run : kRuns) {
    if (c >= run.begin && c <= run.end) {
      out->push_back(static_cast<char>(
          run.first + static_cast<int>(c - run.begin) % run.period));
      return;
    }
  }
  if (c >= kMathBegin && c <= kMathEnd) {
    out->push_back(static_cast<char>('A' + (c - kMathBegin) % 52 % 26));
    return;
  }
  switch (c) {
    case 0x00AA:
      out->push_back('A');
      return;  // ª
    case 0x00BA:
      out->push_back('O');
      return;  // º
    case 0x00B9:
      out->push_back('1');
      return;  // superscripts
    case 0x00B2:
      out->push_back('2');
      return;
    case 0x00B3:
      out->push_back('3');
      return;
    case 0xFB00:
      out->append("FF");
      return;  // the Latin ligatures
    case 0xFB01:
      out->append("FI");
      return;
    case 0xFB02:
      out->append("FL");
      return;
    case 0xFB03:
      out->append("FFI");
      return;
    case 0xFB04:
      out->append("FFL");
      return;
    case 0xFB05:
    case 0xFB06:
      out->append("ST");
      return;
  }
  for (const auto& [begin, end] : kIgnored) {
    if (c >= begin && c <= end) return;
  }
  AppendUtf8(Capital(c), out);
}

// "an opt-out", "an opt-in", "a help": for an error naming a keyword's kind.
absl::string_view KindWithArticle(ReplyKeyword kind) {
  switch (kind) {
    case ReplyKeyword::kOptOut:
      return "an opt-out";
    case ReplyKeyword::kOptIn:
      return "an opt-in";
    default:
      return "a help";
  }
}

}  // namespace

std::string FoldReply(absl::string_view body) {
  std::string folded;
  const auto* p = reinterpret_cast<const uint8_t*>(body.data());
  const auto* end = p + body.size();
  while (p < end) {
    const Utf8Char c = DecodeUtf8At(p, end);
    AppendFolded(c.code_point, &folded);
    p += c.length;
  }
  return folded;
}

ReplyKeywords::ReplyKeywords()
    : lists_({{{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                "REVOKE", "OPTOUT", "REMOVE"},
               {"START", "UNSTOP", "YES"},
               {"HELP", "INFO"}}}) {}

absl::StatusOr<ReplyKeywords> ReplyKeywords::WithAdded(
    absl::string_view source, const std::vector<std::string>& opt_out,
    const std::vector<std::string>& opt_in,
    const std::vector<std::string>& help) {
  ReplyKeywords keywords;
  for (const auto& [name, words, kind] :
       {std::tuple{"optOutKeywords", &opt_out, ReplyKeyword::kOptOut},
        {"optInKeywords", &opt_in, ReplyKeyword::kOptIn},
        {"helpKeywords", &help, ReplyKeyword::kHelp}}) {
    for (size_t i = 0; i < words->size(); ++i) {
      const std::string folded = FoldReply((*words)[i]);
      const std::string where = absl::StrCat(source, ": ", name, "[", i, "]");
      if (folded.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": \"", ValidUtf8((*words)[i]),
                         "\" has no letter or digit, so no reply could be it"));
      }
      const ReplyKeyword holder = keywords.KindOf(folded);
      if (holder == kind) continue;
      if (holder != ReplyKeyword::kNone) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": ", folded, " is already ",
                         KindWithArticle(holder), " keyword"));
      }
      keywords.lists_[Index(kind)].push_back(folded);
    }
  }
  return keywords;
}

ReplyKeyword ReplyKeywords::Classify(absl::string_view body) const {
  return KindOf(FoldReply(body));
}

ReplyKeyword ReplyKeywords::KindOf(const std::string& folded) const {
  if (folded.empty()) return ReplyKeyword::kNone;
  for (ReplyKeyword kind :
       {ReplyKeyword::kOptOut, ReplyKeyword::kOptIn, ReplyKeyword::kHelp}) {
    const std::vector<std::string>& list = lists_[Index(kind)];
    if (std::find(list.begin(), list.end(), folded) != list.end()) return kind;
  }
  return ReplyKeyword::kNone;
}

}  // namespace herald
