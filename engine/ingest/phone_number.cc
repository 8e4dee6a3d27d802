#include "engine/ingest/phone_number.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/base/utf8.h"

namespace herald {
namespace {

bool IsSeparator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t';
}

// Spreadsheets and word processors turn hyphens and spaces into their
// typographic cousins; a number written with them is still the number.
bool IsUnicodeSeparator(char32_t c) {
  return c == 0x00A0 ||                   // no-break space
         (c >= 0x2000 && c <= 0x200B) ||  // en/em/thin spaces, zero width
         (c >= 0x2010 && c <= 0x2015) ||  // hyphens and dashes
         c == 0x2212 || c == 0x202F ||    // minus sign, narrow no-break
         c == 0x3000 || c == 0xFEFF ||    // ideographic space, BOM
         c == 0xFF08 || c == 0xFF09 ||    // full-width parentheses
         c == 0xFF0D || c == 0xFF0E;      // full-width hyphen, full stop
}

// The value of a decimal digit of another script (full-width, Arabic-Indic,
// extended Arabic-Indic), as libphonenumber reads them; -1 for any other.
int UnicodeDigitValue(char32_t c) {
  for (char32_t zero : {char32_t{0xFF10}, char32_t{0x0660}, char32_t{0x06F0}}) {
    if (c >= zero && c <= zero + 9) return static_cast<int>(c - zero);
  }
  return -1;
}

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Extensions are written "x123", "ext. 123", "ext123" or "#123"; anything that
// starts like one after at least some digits is reported as an extension
// rather than as letters, because that is what the user has to fix.
bool LooksLikeExtension(absl::string_view rest) {
  if (rest.empty()) return false;
  if (rest[0] == '#') return true;
  if (rest[0] == 'x' || rest[0] == 'X') return true;
  return rest.size() >= 3 && (rest[0] == 'e' || rest[0] == 'E') &&
         (rest[1] == 'x' || rest[1] == 'X') &&
         (rest[2] == 't' || rest[2] == 'T');
}

absl::Status Invalid(absl::string_view reason) {
  return absl::InvalidArgumentError(reason);
}

bool IsN11(int a, int b, int c) { return a >= 2 && b == 1 && c == 1; }

}  // namespace

absl::StatusOr<PhoneNumber> ParseNanpNumber(absl::string_view text) {
  // Trim surrounding white space, which spreadsheets leave behind.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return Invalid("empty phone number");

  bool plus = false;
  if (text.front() == '+') {
    plus = true;
    text.remove_prefix(1);
  }
  char digits[16];
  int count = 0;
  auto add_digit = [&](char c) {
    if (count == 15) return false;
    digits[count++] = c;
    return true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (!add_digit(c)) return Invalid("too many digits for a NANP number");
    } else if (IsSeparator(c)) {
      continue;
    } else if (count > 0 && LooksLikeExtension(text.substr(i))) {
      return Invalid("number has an extension, which a text cannot reach");
    } else if (IsAsciiLetter(c)) {
      return Invalid("number has letters");
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      const auto* p = reinterpret_cast<const uint8_t*>(text.data()) + i;
      const Utf8Char u = DecodeUtf8At(p, p + (text.size() - i));
      const bool malformed =
          u.code_point == kReplacementCharacter && u.length == 1;
      const int digit = malformed ? -1 : UnicodeDigitValue(u.code_point);
      if (digit >= 0) {
        if (!add_digit(static_cast<char>('0' + digit))) {
          return Invalid("too many digits for a NANP number");
        }
      } else if (malformed || !IsUnicodeSeparator(u.code_point)) {
        int length = 0;
        return Invalid(absl::StrCat(
            "unexpected ", malformed ? "" : "character ",
            DescribeCharacterAt(text.substr(i), &length), " in number"));
      }
      i += u.length - 1;
    } else {
      int length = 0;
      return Invalid(absl::StrCat("unexpected character ",
                                  DescribeCharacterAt(text.substr(i), &length),
                                  " in number"));
    }
  }

  if (plus && count > 0 && digits[0] != '1') {
    return Invalid("not a North American (+1) number");
  }
  const char* national = digits;
  if (count == 11) {
    if (digits[0] != '1') return Invalid("11 digits but country code is not 1");
    national = digits + 1;
  } else if (count == 10) {
    if (plus) return Invalid("not a North American (+1) number");
  } else {
    return Invalid(absl::StrCat("wrong length: ", count,
                                " digits (a NANP number has 10, or 11 "
                                "with the leading 1)"));
  }

  const int npa[3] = {national[0] - '0', national[1] - '0', national[2] - '0'};
  const int nxx[3] = {national[3] - '0', national[4] - '0', national[5] - '0'};
  const absl::string_view npa_text(national, 3);
  const absl::string_view nxx_text(national + 3, 3);
  if (npa[0] < 2) {
    return Invalid(absl::StrCat("area code ", npa_text, " starts with ", npa[0],
                                " (NPA must start with 2-9)"));
  }
  if (IsN11(npa[0], npa[1], npa[2])) {
    return Invalid(
        absl::StrCat("area code ", npa_text, " is an N11 service code"));
  }
  if (npa[1] == 9) {
    return Invalid(absl::StrCat("area code ", npa_text,
                                " has middle digit 9, reserved for expansion"));
  }
  if (nxx[0] < 2) {
    return Invalid(absl::StrCat("exchange ", nxx_text, " starts with ", nxx[0],
                                " (NXX must start with 2-9)"));
  }
  if (IsN11(nxx[0], nxx[1], nxx[2])) {
    return Invalid(
        absl::StrCat("exchange ", nxx_text, " is an N11 service code"));
  }

  PhoneNumber number = 1;
  for (int i = 0; i < 10; ++i) number = number * 10 + (national[i] - '0');
  return number;
}

void AppendE164Digits(PhoneNumber number, std::string* out) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + number % 10);
    number /= 10;
  } while (number != 0);
  while (n > 0) out->push_back(buf[--n]);
}

std::string E164Digits(PhoneNumber number) {
  std::string out;
  AppendE164Digits(number, &out);
  return out;
}

bool SameNumber(absl::string_view a, absl::string_view b) {
  if (a == b) return true;
  absl::StatusOr<PhoneNumber> x = ParseNanpNumber(a);
  absl::StatusOr<PhoneNumber> y = ParseNanpNumber(b);
  return x.ok() && y.ok() && *x == *y;
}

}  // namespace herald
