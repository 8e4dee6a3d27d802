#include "tools/gen_numbers.h"

#include <cstdio>
#include <cstdlib>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace herald {

[[noreturn]] void GeneratorBug(absl::string_view message) {
  std::fprintf(stderr, "herald-gen: internal error: %.*s\n",
               static_cast<int>(message.size()), message.data());
  std::abort();
}

PhoneNumber ToNumber(const Nanp& n) {
  return 10000000000ull + static_cast<uint64_t>(n.npa) * 10000000ull +
         static_cast<uint64_t>(n.nxx) * 10000ull +
         static_cast<uint64_t>(n.line);
}

Nanp FromNumber(PhoneNumber number) {
  const uint64_t national = number - 10000000000ull;
  return {static_cast<int>(national / 10000000),
          static_cast<int>(national / 10000 % 1000),
          static_cast<int>(national % 10000)};
}

namespace {

bool IsN11(int code) { return code % 100 == 11; }

// A valid exchange: [2-9][0-9][0-9], never N11, never 555.
int DrawExchange(Rng& rng) {
  for (;;) {
    const int nxx = 200 + static_cast<int>(rng.Below(800));
    if (!IsN11(nxx) && nxx != 555) return nxx;
  }
}

}  // namespace

Nanp DrawValid(Rng& rng, int npa) {
  return {npa, DrawExchange(rng), static_cast<int>(rng.Below(10000))};
}

void AppendDigits(int value, int width, std::string* out) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, static_cast<size_t>(width));
}

namespace {

// The ways people write a number: what comes before the area code, between
// it and the exchange, and between the exchange and the line number.
struct NumberStyle {
  absl::string_view before;
  absl::string_view after_npa;
  absl::string_view after_nxx;
};
constexpr NumberStyle kStyles[] = {
    {"+1 (", ") ", "-"},  // +1 (213) 555-1234
    {"", ".", "."},       // 213.555.1234
    {"", "", ""},         // 2135551234
    {"1-", "-", "-"},     // 1-213-555-1234
    {"(", ") ", "-"},     // (213) 555-1234
    {"", " ", " "},       // 213 555 1234
};
static_assert(sizeof(kStyles) / sizeof(kStyles[0]) == kStyleCount);

}  // namespace

// Appends `n` in style `style` (an index into kStyles).
void AppendFormatted(const Nanp& n, int style, std::string* out) {
  const NumberStyle& s = kStyles[style];
  absl::StrAppend(out, s.before);
  AppendDigits(n.npa, 3, out);
  absl::StrAppend(out, s.after_npa);
  AppendDigits(n.nxx, 3, out);
  absl::StrAppend(out, s.after_nxx);
  AppendDigits(n.line, 4, out);
}

// Checks that `text` parses to exactly `expected`.
void CheckParses(absl::string_view text, PhoneNumber expected) {
  absl::StatusOr<PhoneNumber> parsed = ParseNanpNumber(text);
  if (!parsed.ok()) {
    GeneratorBug(absl::StrCat("valid number \"", text,
                              "\" was rejected: ", parsed.status().message()));
  }
  if (*parsed != expected) {
    GeneratorBug(absl::StrCat("\"", text, "\" parsed as ", E164Digits(*parsed),
                              ", not ", E164Digits(expected)));
  }
}

// Checks that `text` does not parse.
void CheckRejected(absl::string_view text) {
  absl::StatusOr<PhoneNumber> parsed = ParseNanpNumber(text);
  if (parsed.ok()) {
    GeneratorBug(absl::StrCat("invalid number \"", text, "\" parsed as ",
                              E164Digits(*parsed)));
  }
}

namespace {

// Kinds of invalid number, drawn with equal weight.
enum class InvalidKind {
  kNpaStartsWith0Or1,  // "(113) 482-1234"
  kN11Exchange,        // "213-411-1234"
  kTooFewDigits,       // "482-1234", "213-482-123"
  kLetters,            // "213-482-HELP", "unknown"
  kExtension,          // "213-482-1234 x12"
};
constexpr int kInvalidKindCount = 5;

constexpr absl::string_view kLetterWords[] = {"HELP", "CALL", "TEXT",
                                              "GIVE", "LOVE", "CARE"};
constexpr absl::string_view kNonNumbers[] = {"unknown", "N/A", "none",
                                             "ask front desk", "TBD"};

}  // namespace

void MakeInvalid(Rng& rng, int npa, std::string* phone) {
  const Nanp n = DrawValid(rng, npa);
  switch (static_cast<InvalidKind>(rng.Below(kInvalidKindCount))) {
    case InvalidKind::kNpaStartsWith0Or1: {
      const Nanp bad = {static_cast<int>(rng.Below(200)), n.nxx, n.line};
      AppendFormatted(bad, static_cast<int>(rng.Below(kStyleCount)), phone);
      break;
    }
    case InvalidKind::kN11Exchange: {
      const Nanp bad = {n.npa, 211 + 100 * static_cast<int>(rng.Below(8)),
                        n.line};
      AppendFormatted(bad, static_cast<int>(rng.Below(kStyleCount)), phone);
      break;
    }
    case InvalidKind::kTooFewDigits:
      switch (rng.Below(3)) {
        case 0:  // a local number without its area code
          AppendDigits(n.nxx, 3, phone);
          phone->push_back('-');
          AppendDigits(n.line, 4, phone);
          break;
        case 1:  // the last digit lost
          AppendDigits(n.npa, 3, phone);
          phone->push_back('-');
          AppendDigits(n.nxx, 3, phone);
          phone->push_back('-');
          AppendDigits(n.line / 10, 3, phone);
          break;
        default:  // two digits lost
          phone->push_back('(');
          AppendDigits(n.npa, 3, phone);
          phone->append(") ");
          AppendDigits(n.nxx, 3, phone);
          phone->push_back('-');
          AppendDigits(n.line / 100, 2, phone);
          break;
      }
      break;
    case InvalidKind::kLetters:
      switch (rng.Below(3)) {
        case 0:  // a vanity number
          AppendDigits(n.npa, 3, phone);
          phone->push_back('-');
          AppendDigits(n.nxx, 3, phone);
          phone->push_back('-');
          absl::StrAppend(phone, rng.Pick(kLetterWords));
          break;
        case 1: {  // a letter O typed for a zero
          AppendDigits(n.npa, 3, phone);
          phone->push_back('.');
          AppendDigits(n.nxx, 3, phone);
          phone->push_back('.');
          const size_t at = phone->size() + rng.Below(4);
          AppendDigits(n.line, 4, phone);
          (*phone)[at] = 'O';
          break;
        }
        default:
          absl::StrAppend(phone, rng.Pick(kNonNumbers));
          break;
      }
      break;
    case InvalidKind::kExtension:
      AppendFormatted(n, static_cast<int>(rng.Below(kStyleCount)), phone);
      switch (rng.Below(3)) {
        case 0:
          phone->append(" x");
          break;
        case 1:
          phone->append(" ext. ");
          break;
        default:
          phone->append(" #");
          break;
      }
      if (rng.Chance(0.5)) {
        AppendDigits(10 + static_cast<int>(rng.Below(90)), 2, phone);
      } else {
        AppendDigits(100 + static_cast<int>(rng.Below(900)), 3, phone);
      }
      break;
  }
}

}  // namespace herald
