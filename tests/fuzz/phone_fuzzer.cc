// ParseNanpNumber on arbitrary text: what it accepts is a dialable +1 number
// that reads back as itself, and what it refuses it explains in valid UTF-8
// (the reason goes into reports and INVALID rows).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "engine/ingest/phone_number.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

void FuzzOne(absl::string_view text) {
  const absl::StatusOr<PhoneNumber> number = ParseNanpNumber(text);
  if (!number.ok()) {
    FUZZ_CHECK(!number.status().message().empty());
    FUZZ_CHECK_UTF8(number.status().message());
    return;
  }
  const std::string digits = E164Digits(*number);
  FUZZ_CHECK(digits.size() == 11 && digits[0] == '1');
  for (char c : digits) FUZZ_CHECK(absl::ascii_isdigit(c));
  // The canonical forms are accepted and are the same number.
  const absl::StatusOr<PhoneNumber> again = ParseNanpNumber(digits);
  FUZZ_CHECK(again.ok() && *again == *number);
  const absl::StatusOr<PhoneNumber> plus =
      ParseNanpNumber(absl::StrCat("+", digits));
  FUZZ_CHECK(plus.ok() && *plus == *number);
  std::string appended = "x";
  AppendE164Digits(*number, &appended);
  FUZZ_CHECK(appended == absl::StrCat("x", digits));
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
