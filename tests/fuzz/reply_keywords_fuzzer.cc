// FoldReply and ReplyKeywords::Classify on arbitrary inbound bytes: the fold
// is valid UTF-8, folding it again changes nothing, and what it classifies
// as a keyword is a body whose fold is that keyword (nothing else).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "engine/message/reply_keywords.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

void FuzzOne(absl::string_view body) {
  static const ReplyKeywords keywords;
  const std::string folded = FoldReply(body);
  FUZZ_CHECK_UTF8(folded);
  FUZZ_CHECK(FoldReply(folded) == folded);
  const ReplyKeyword kind = keywords.Classify(body);
  FUZZ_CHECK(kind == keywords.Classify(folded));
  if (kind == ReplyKeyword::kNone) return;
  const std::vector<std::string>& list =
      kind == ReplyKeyword::kOptOut  ? keywords.opt_out()
      : kind == ReplyKeyword::kOptIn ? keywords.opt_in()
                                     : keywords.help();
  FUZZ_CHECK(std::find(list.begin(), list.end(), folded) != list.end());
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
