// Segment counting and splitting on arbitrary text, as the engine promises it
// (valid UTF-8) and raw (malformed bytes count as one character each). Parts
// must tile the text, number segments - 1 boundaries, never cut a character
// (so never an escape pair or a surrogate pair, which each come from one
// character), and fit a part; TRIM must give a one-message prefix.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/message/sms_encoding.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

// Byte offsets where characters start in `text`, and its end.
std::vector<bool> CharStarts(absl::string_view text) {
  std::vector<bool> starts(text.size() + 1, false);
  for (size_t i = 0; i < text.size();) {
    starts[i] = true;
    char32_t c;
    i += DecodeChar(text.substr(i), &c);
  }
  starts[text.size()] = true;
  return starts;
}

// UTF-16 code units of `text` (a malformed byte is U+FFFD, one unit).
int Ucs2Units(absl::string_view text) {
  int units = 0;
  while (!text.empty()) {
    char32_t c;
    text.remove_prefix(DecodeChar(text, &c));
    units += c > 0xFFFF ? 2 : 1;
  }
  return units;
}

void CheckParts(absl::string_view text, const SmsSegmentation& segmentation,
                const std::vector<bool>& starts) {
  const std::vector<size_t> offsets = PartBoundaries(text, segmentation);
  size_t begin = 0;
  for (size_t i = 0; i <= offsets.size(); ++i) {
    const size_t end = i < offsets.size() ? offsets[i] : text.size();
    FUZZ_CHECK(end > begin && end <= text.size() && starts[end]);
    const absl::string_view part = text.substr(begin, end - begin);
    if (segmentation.encoding == SmsEncoding::kUcs2) {
      FUZZ_CHECK(Ucs2Units(part) <= (offsets.empty() ? 70 : 67));
    } else if (Segment(part).encoding == SmsEncoding::kGsm7) {
      FUZZ_CHECK(Segment(part).units <= (offsets.empty() ? 160 : 153));
    }
    begin = end;
  }
}

void CheckTrim(absl::string_view text, SmsEncoding encoding,
               const std::vector<bool>& starts) {
  const absl::string_view prefix = TrimToOneSegment(text, encoding);
  FUZZ_CHECK(prefix.data() == text.data() && prefix.size() <= text.size());
  FUZZ_CHECK(starts[prefix.size()]);
  const SmsSegmentation trimmed = Segment(prefix);
  FUZZ_CHECK(trimmed.segments <= 1);
  if (encoding == SmsEncoding::kGsm7) {
    FUZZ_CHECK(trimmed.encoding == SmsEncoding::kGsm7);
  }
  // A text that fits is its own prefix.
  const SmsSegmentation whole = Segment(text);
  const bool fits =
      encoding == SmsEncoding::kUcs2
          ? Ucs2Units(text) <= 70
          : whole.encoding == SmsEncoding::kGsm7 && whole.segments <= 1;
  if (fits) FUZZ_CHECK(prefix.size() == text.size());
}

void Check(absl::string_view text) {
  const std::vector<bool> starts = CharStarts(text);
  const SmsSegmentation segmentation = Segment(text);
  FUZZ_CHECK((segmentation.segments == 0) == text.empty());
  FUZZ_CHECK(segmentation.units >= 0);
  if (segmentation.encoding == SmsEncoding::kUcs2) {
    FUZZ_CHECK(segmentation.units == Ucs2Units(text));
  }
  const std::vector<size_t> offsets = PartBoundaries(text, segmentation);
  FUZZ_CHECK(offsets.size() + 1 == static_cast<size_t>(segmentation.segments) ||
             (text.empty() && offsets.empty()));
  if (!text.empty()) {
    CheckParts(text, segmentation, starts);
    // Any text can go as UCS-2.
    CheckParts(text, {SmsEncoding::kUcs2, 0, 0}, starts);
  }
  CheckTrim(text, SmsEncoding::kGsm7, starts);
  CheckTrim(text, SmsEncoding::kUcs2, starts);
  for (const std::string& c : Ucs2Characters(text)) FUZZ_CHECK(!c.empty());
  std::string smart;
  AppendSmartEncoded(text, &smart);
  if (IsValidUtf8(text)) FUZZ_CHECK_UTF8(smart);
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first byte picks raw bytes or text made valid first.
  if (size == 0) return 0;
  const absl::string_view text = herald::fuzz::AsText(data + 1, size - 1);
  if (data[0] & 1) {
    herald::fuzz::Check(herald::fuzz::SanitizeUtf8(text));
  } else {
    herald::fuzz::Check(text);
  }
  return 0;
}
