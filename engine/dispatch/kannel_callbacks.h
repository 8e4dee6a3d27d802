// What Kannel calls back, read: a delivery receipt (the dlr-url herald
// gives bearerbox with each text) into a DeliveryReceipt and the broadcast
// it belongs to, and an inbound text (the smsbox sms-service get-url a user
// writes in kannel.conf) into an InboundText (herald/texts.h). The
// endpoints (/callbacks/{provider}/...) check the caller and record the
// result; this is only the reading, pure and fuzzed.
#ifndef HERALD_ENGINE_DISPATCH_KANNEL_CALLBACKS_H_
#define HERALD_ENGINE_DISPATCH_KANNEL_CALLBACKS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/base/percent_encoding.h"
#include "herald/texts.h"

namespace herald {

// A callback's parameters, decoded, in order (ParseFormPairs).
using CallbackParams = FormPairs;

struct RoutedReceipt {
  int64_t broadcast = 0;  // the engine's broadcast id
  DeliveryReceipt receipt;
};

// The receipt of a call to the dlr-url herald gives Kannel (kannel
// protocol): herald's own route (b broadcast, t text id, a attempt; n, the
// parts that report apart, 1 unless given: bearerbox reports a text it split
// as one) and what Kannel filled in: `type` (%d: 1 delivered, 2 not delivered,
// 4 buffered, 8 accepted by the SMSC, 16 refused by it), `id` (%F, the SMSC's
// id of the part), `at` (%T, unix seconds; absent or 0: `now`) and `reply`
// (%A, the SMSC's words: an SMPP receipt text, whose stat: and err: say
// more than the type, or a refusal such as "NACK/0x0000000b/..."). A
// parameter given twice takes its last value. InvalidArgument naming the
// parameter ("parameter b: ...") and quoting (briefly, as valid UTF-8) what
// it held.
absl::StatusOr<RoutedReceipt> ParseKannelReceipt(const CallbackParams& params,
                                                 absl::Time now);

// The text of a call to the sms-service get-url the README gives:
//   get-url = "http://HOST:PORT/callbacks/NAME/inbound?secret=S&from=%p&to=%P
//              &text=%a&coding=%c&charset=%C&time=%T"
// `from` (the sender, a NANP number in any spelling), `to` (the account's
// number or short code; its digits are kept), `text` in `charset` (none:
// UTF-16BE for coding 2, else UTF-8; bytes that are not text become
// U+FFFD), `time` (unix seconds; absent or 0: `now`). The provider is left
// for the caller to set. InvalidArgument naming the parameter.
absl::StatusOr<InboundText> ParseKannelInbound(const CallbackParams& params,
                                               absl::Time now);

}  // namespace herald

#endif  // HERALD_ENGINE_DISPATCH_KANNEL_CALLBACKS_H_
