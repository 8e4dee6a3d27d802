// herald's hand-written JSON output (the outbox, the outcome log) on
// arbitrary bytes: AppendJsonString must give one valid JSON string, in valid
// UTF-8, whatever a contact file's cells hold, and read back as the text when
// the text was valid UTF-8; the timestamps must read back as the instant.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "engine/base/json_text.h"
#include "nlohmann/json.hpp"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

void CheckString(absl::string_view text) {
  std::string out = "[";  // a string inside a document, as in the outbox
  AppendJsonString(text, &out);
  out.push_back(']');
  const nlohmann::json parsed =
      nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!parsed.is_discarded());
  FUZZ_CHECK(parsed.size() == 1 && parsed[0].is_string());
  const std::string& back = parsed[0].get_ref<const std::string&>();
  FUZZ_CHECK_UTF8(back);
  if (IsValidUtf8(text)) FUZZ_CHECK(back == text);

  std::string escaped;
  AppendJsonEscaped(text, &escaped);
  FUZZ_CHECK(absl::StrCat("[\"", escaped, "\"]") == out);
}

// One formatter for the whole run, so its per-second cache sees runs of
// nearby and far-apart instants.
void CheckTime(int64_t millis) {
  static auto* formatter = new UtcMillisFormatter;
  const absl::Time t = absl::FromUnixMillis(millis);
  std::string out;
  formatter->Append(t, &out);
  absl::Time back;
  std::string error;
  FUZZ_CHECK(out.size() == 24 && out.back() == 'Z');
  FUZZ_CHECK(absl::ParseTime(absl::RFC3339_full, out, &back, &error));
  FUZZ_CHECK(back == t);
}

void FuzzOne(const uint8_t* data, size_t size) {
  FuzzedDataProvider input(data, size);
  // Years 1970 to 9999: four-digit years, as RFC 3339 has them.
  CheckTime(input.ConsumeIntegralInRange<int64_t>(0, 253'402'300'799'999));
  CheckString(input.ConsumeRemainingBytesAsString());
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(data, size);
  return 0;
}
