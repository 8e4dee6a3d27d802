// Kannel's callbacks as they arrive, a query or a form body of arbitrary
// bytes: ParseFormPairs, ParseKannelInbound and ParseKannelReceipt never
// crash; a refusal is a short valid UTF-8 message; an inbound text has a
// NANP sender, a number of digits and a valid UTF-8 body; an accepted
// receipt has a route in range, a state a receipt can have, and an error
// fit for the API's JSON; and what ParseFormPairs decodes, encoded again,
// decodes the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "engine/base/percent_encoding.h"
#include "engine/base/utf8.h"
#include "engine/dispatch/kannel_callbacks.h"
#include "tests/fuzz/fuzz_util.h"

namespace herald::fuzz {
namespace {

void FuzzOne(absl::string_view text) {
  const absl::StatusOr<CallbackParams> params = ParseFormPairs(text);
  if (!params.ok()) {
    FUZZ_CHECK_UTF8(params.status().message());
    return;
  }
  std::string encoded;
  for (const auto& [name, value] : *params) {
    AppendPercentEncoded(name, &encoded);
    encoded.push_back('=');
    AppendPercentEncoded(value, &encoded);
    encoded.push_back('&');
  }
  const absl::StatusOr<CallbackParams> again = ParseFormPairs(encoded);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *params);

  const absl::Time now = absl::FromUnixSeconds(1795000000);
  const absl::StatusOr<InboundText> inbound = ParseKannelInbound(*params, now);
  if (!inbound.ok()) {
    FUZZ_CHECK_UTF8(inbound.status().message());
    FUZZ_CHECK(inbound.status().message().size() < 300);
  } else {
    FUZZ_CHECK(inbound->from >= 12000000000 && inbound->from <= 19999999999);
    FUZZ_CHECK(!inbound->to.empty() && inbound->to.size() <= 15);
    for (char c : inbound->to) FUZZ_CHECK(c >= '0' && c <= '9');
    FUZZ_CHECK_UTF8(inbound->message);
  }

  const absl::StatusOr<RoutedReceipt> routed = ParseKannelReceipt(*params, now);
  if (!routed.ok()) {
    FUZZ_CHECK_UTF8(routed.status().message());
    FUZZ_CHECK(routed.status().message().size() < 300);
    return;
  }
  const DeliveryReceipt& r = routed->receipt;
  FUZZ_CHECK(routed->broadcast >= 1);
  FUZZ_CHECK(r.text_id >= 1);
  FUZZ_CHECK(r.attempt >= 1 && r.attempt <= 1000);
  FUZZ_CHECK(r.parts >= 1 && r.parts <= 255);
  FUZZ_CHECK(r.state != DeliveryState::kPartiallyDelivered);
  FUZZ_CHECK(r.part.size() <= 128);
  FUZZ_CHECK_UTF8(r.error);
  FUZZ_CHECK(r.error.size() <= 64);
  FUZZ_CHECK(r.state != DeliveryState::kDelivered || r.error.empty());
}

}  // namespace
}  // namespace herald::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  herald::fuzz::FuzzOne(herald::fuzz::AsText(data, size));
  return 0;
}
