// Delivery receipts, the parts that do not depend on how they arrive: the
// states a receipt reports and how they combine, the receipt text SMSCs put
// in an SMPP deliver_sm or a Kannel %A (SMPP 3.4 Appendix B), and message
// ids in one canonical form on both sides of the match.
//
// Receipts are matched to their text by the provider's message id, and the
// gateways people use lose matches over the id's spelling: an SMSC that
// answers submit_sm with a hex id and reports "id:" in decimal, leading
// zeros on one side only, upper and lower case (Jasmin #616 #643 #1123,
// ../shared/reference/FACTS.md). CanonicalMessageId gives both sides one
// spelling, each read in the encoding its provider uses.
#ifndef HERALD_ENGINE_DISPATCH_DELIVERY_RECEIPT_H_
#define HERALD_ENGINE_DISPATCH_DELIVERY_RECEIPT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "herald/texts.h"

namespace herald {

// The state a receipt's `stat:` value names (SMPP 3.4 Appendix B, any
// case, and the spellings SMSCs use beside the standard's: DELIVERED,
// UNDELIVERABLE, ...). nullopt for a value it does not know.
std::optional<DeliveryState> ParseReceiptStat(absl::string_view stat);

// The receipt text of SMPP 3.4 Appendix B:
//   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm
//   done date:YYMMDDhhmm stat:DDDDDDD err:E text:...
// SMSCs vary it: keys in any case, fields missing or in another order,
// seconds in the dates, extra spaces, "Text:" last and holding anything.
struct ReceiptText {
  std::string id;  // as written
  DeliveryState state = DeliveryState::kUnknown;
  std::string stat;   // as written
  std::string error;  // err:, as written ("000"); empty when absent
  std::optional<absl::Time> submit_date;  // UTC; absent or unreadable: none
  std::optional<absl::Time> done_date;
  std::string text;  // the start of the message, as written
};

// Parses a receipt text. InvalidArgument, quoting at most the text's first
// 80 bytes (valid UTF-8), when it has no id or no stat the table knows.
absl::StatusOr<ReceiptText> ParseReceiptText(absl::string_view text);

// How a provider writes its message ids.
enum class MessageIdEncoding {
  kText,     // any text, compared as it is (after trimming spaces)
  kDecimal,  // a decimal number: leading zeros do not count
  kHex,      // a hexadecimal number: case and leading zeros do not count
};

// The id in one spelling for matching: a number (kDecimal, kHex) as its
// decimal digits without leading zeros, so that the hex id of a submit
// answer and the decimal id of its receipt are the same; anything else
// trimmed. An id that is not a number of its encoding (or too big for 128
// bits) is compared as text, lower case when kHex.
std::string CanonicalMessageId(absl::string_view id,
                               MessageIdEncoding encoding);

}  // namespace herald

#endif  // HERALD_ENGINE_DISPATCH_DELIVERY_RECEIPT_H_
