// ParseReceiptText and CanonicalMessageId on arbitrary bytes (a receipt is
// what an SMSC or a provider's callback sends): nothing crashes, a refusal
// quotes at most a short valid UTF-8 excerpt, an accepted receipt's id is
// part of the text, and a canonical id is one: canonical again, unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "engine/dispatch/delivery_receipt.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

void FuzzOne(absl::string_view text) {
  const absl::StatusOr<ReceiptText> receipt = ParseReceiptText(text);
  if (!receipt.ok()) {
    FUZZ_CHECK_UTF8(receipt.status().message());
    FUZZ_CHECK(receipt.status().message().size() < 200);
  } else {
    FUZZ_CHECK(!receipt->id.empty());
    FUZZ_CHECK(absl::StrContains(text, receipt->id));
    FUZZ_CHECK(ParseReceiptStat(receipt->stat) == receipt->state);
  }
  for (MessageIdEncoding encoding :
       {MessageIdEncoding::kText, MessageIdEncoding::kDecimal}) {
    const std::string id = CanonicalMessageId(text, encoding);
    FUZZ_CHECK(CanonicalMessageId(id, encoding) == id);
  }
  const std::string hex = CanonicalMessageId(text, MessageIdEncoding::kHex);
  FUZZ_CHECK(CanonicalMessageId(hex, MessageIdEncoding::kDecimal) == hex ||
             CanonicalMessageId(hex, MessageIdEncoding::kHex) == hex);
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
