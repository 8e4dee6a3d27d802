#include "engine/dispatch/kannel_callbacks.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/base/utf8.h"
#include "engine/dispatch/delivery_receipt.h"
#include "engine/ingest/phone_number.h"

namespace herald {
namespace {

// How much of a parameter an error quotes, and of a refusal is kept as
// the error code.
constexpr size_t kQuoted = 64;
// SMSCs' ids are a few dozen characters (a UUID is 36).
constexpr size_t kMaxMessageId = 128;

// Kannel's DLR types (gw/dlr.h).
constexpr int kDlrSuccess = 1;
constexpr int kDlrFail = 2;
constexpr int kDlrBuffered = 4;
constexpr int kDlrSmscSuccess = 8;
constexpr int kDlrSmscFail = 16;

absl::Status Bad(absl::string_view name, absl::string_view expected,
                 absl::string_view got) {
  return absl::InvalidArgumentError(
      absl::StrCat("parameter ", name, ": expected ", expected, ", got \"",
                   OneLineText(got, kQuoted), "\""));
}

// The parameter as an integer in [min, max]; `fallback` when absent (or
// an error when there is none).
absl::StatusOr<int64_t> IntParam(const CallbackParams& params,
                                 absl::string_view name, int64_t min,
                                 int64_t max,
                                 std::optional<int64_t> fallback = {}) {
  const std::string* value = LastValue(params, name);
  const std::string expected =
      absl::StrCat("an integer from ", min, " to ", max);
  if (value == nullptr) {
    if (fallback.has_value()) return *fallback;
    return absl::InvalidArgumentError(
        absl::StrCat("receipt parameter ", name, ": missing (", expected, ")"));
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(*value, &n) || n < min || n > max) {
    return Bad(name, expected, *value);
  }
  return n;
}

}  // namespace

absl::StatusOr<RoutedReceipt> ParseKannelReceipt(const CallbackParams& params,
                                                 absl::Time now) {
  RoutedReceipt routed;
  DeliveryReceipt& r = routed.receipt;
  absl::StatusOr<int64_t> broadcast = IntParam(params, "b", 1, INT64_MAX);
  if (!broadcast.ok()) return broadcast.status();
  absl::StatusOr<int64_t> text = IntParam(params, "t", 1, INT64_MAX);
  if (!text.ok()) return text.status();
  absl::StatusOr<int64_t> attempt = IntParam(params, "a", 1, 1000);
  if (!attempt.ok()) return attempt.status();
  absl::StatusOr<int64_t> parts = IntParam(params, "n", 1, 255, 1);
  if (!parts.ok()) return parts.status();
  absl::StatusOr<int64_t> type = IntParam(params, "type", 0, 255);
  if (!type.ok()) return type.status();
  absl::StatusOr<int64_t> at = IntParam(params, "at", 0, 253402300799, 0);
  if (!at.ok()) return at.status();
  routed.broadcast = *broadcast;
  r.text_id = static_cast<uint64_t>(*text);
  r.attempt = static_cast<int>(*attempt);
  r.parts = static_cast<int>(*parts);
  r.at = *at == 0 ? now : absl::FromUnixSeconds(*at);
  if (const std::string* id = LastValue(params, "id"); id != nullptr) {
    r.part = CanonicalMessageId(*id, MessageIdEncoding::kText);
    if (r.part.size() > kMaxMessageId) {
      return Bad(
          "id",
          absl::StrCat("a message id of at most ", kMaxMessageId, " bytes"),
          *id);
    }
  }

  switch (*type) {
    case kDlrSuccess:
      r.state = DeliveryState::kDelivered;
      break;
    case kDlrFail:
      r.state = DeliveryState::kUndelivered;
      break;
    case kDlrBuffered:
    case kDlrSmscSuccess:
      r.state = DeliveryState::kPending;
      break;
    case kDlrSmscFail:
      r.state = DeliveryState::kRejected;
      break;
    default:
      return Bad("type", "a Kannel DLR type (1, 2, 4, 8 or 16)",
                 absl::StrCat(*type));
  }
  const std::string* reply = LastValue(params, "reply");
  if (reply == nullptr || reply->empty()) return routed;
  absl::StatusOr<ReceiptText> receipt = ParseReceiptText(*reply);
  if (receipt.ok()) {
    // The SMSC's own word says more than the DLR type: EXPIRED, REJECTD...
    if (r.state == DeliveryState::kUndelivered && IsFinal(receipt->state) &&
        receipt->state != DeliveryState::kDelivered) {
      r.state = receipt->state;
    }
    if (r.state != DeliveryState::kDelivered) {
      r.error = OneLineText(receipt->error, kQuoted);
    }
  } else if (IsFinal(r.state) && r.state != DeliveryState::kDelivered) {
    r.error = OneLineText(*reply, kQuoted);
  }
  return routed;
}

absl::StatusOr<InboundText> ParseKannelInbound(const CallbackParams& params,
                                               absl::Time now) {
  InboundText text;
  const std::string* from = LastValue(params, "from");
  if (from == nullptr) {
    return absl::InvalidArgumentError(
        "parameter from: missing (the sender, Kannel's %p)");
  }
  absl::StatusOr<PhoneNumber> sender = ParseNanpNumber(*from);
  if (!sender.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter from: \"", OneLineText(*from, kQuoted),
                     "\": ", sender.status().message()));
  }
  text.from = *sender;
  const std::string* to = LastValue(params, "to");
  if (to != nullptr) {
    for (char c : *to) {
      if (c >= '0' && c <= '9') text.to.push_back(c);
    }
  }
  if (text.to.empty() || text.to.size() > 15) {
    return Bad("to", "the number it was sent to (Kannel's %P)",
               to != nullptr ? *to : "");
  }
  absl::StatusOr<int64_t> coding = IntParam(params, "coding", -1, 2, 0);
  if (!coding.ok()) return coding.status();
  const std::string* charset = LastValue(params, "charset");
  const std::string* body = LastValue(params, "text");
  absl::StatusOr<std::string> message = DecodeCharset(
      body != nullptr ? *body : "", charset != nullptr && !charset->empty()
                                        ? absl::string_view(*charset)
                                    : *coding == 2 ? "UTF-16BE"
                                                   : "UTF-8");
  if (!message.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter charset: ", message.status().message()));
  }
  text.message = *std::move(message);
  absl::StatusOr<int64_t> at = IntParam(params, "time", 0, 253402300799, 0);
  if (!at.ok()) return at.status();
  text.at = *at == 0 ? now : absl::FromUnixSeconds(*at);
  return text;
}

}  // namespace herald
