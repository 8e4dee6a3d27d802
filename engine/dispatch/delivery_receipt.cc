#include "engine/dispatch/delivery_receipt.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/base/enum_names.h"
#include "engine/base/utf8.h"

namespace herald {
namespace {

using U128 = unsigned __int128;

// The keys of a receipt text, lower case, in the order of Appendix B.
constexpr std::array<absl::string_view, 8> kKeys = {
    "id:",        "sub:",  "dlvrd:", "submit date:",
    "done date:", "stat:", "err:",   "text:"};
enum Key { kId, kSub, kDlvrd, kSubmitDate, kDoneDate, kStat, kErr, kText };

// The key that starts at `at` (at the text's start or after a space), or -1.
int KeyAt(absl::string_view text, size_t at) {
  if (at > 0 && text[at - 1] != ' ') return -1;
  for (size_t k = 0; k < kKeys.size(); ++k) {
    const absl::string_view key = kKeys[k];
    if (text.size() - at >= key.size() &&
        absl::EqualsIgnoreCase(text.substr(at, key.size()), key)) {
      return static_cast<int>(k);
    }
  }
  return -1;
}

// YYMMDDhhmm or YYMMDDhhmmss, UTC, years 2000 to 2099.
std::optional<absl::Time> ParseReceiptDate(absl::string_view value) {
  if ((value.size() != 10 && value.size() != 12) ||
      !std::all_of(value.begin(), value.end(), absl::ascii_isdigit)) {
    return std::nullopt;
  }
  auto field = [&](size_t at) {
    return (value[at] - '0') * 10 + (value[at + 1] - '0');
  };
  const int year = 2000 + field(0), month = field(2), day = field(4),
            hour = field(6), minute = field(8),
            second = value.size() == 12 ? field(10) : 0;
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  // A field out of range would roll over into the next one.
  if (civil.month() != month || civil.day() != day || civil.hour() != hour ||
      civil.minute() != minute || civil.second() != second) {
    return std::nullopt;
  }
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

// `digits` as a number of `base` (10 or 16), or nullopt when it is not one
// or does not fit 128 bits.
std::optional<U128> ParseNumber(absl::string_view digits, int base) {
  if (digits.empty()) return std::nullopt;
  U128 value = 0;
  const U128 limit = ~U128{0} / static_cast<U128>(base);
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (value > limit) return std::nullopt;
    value = value * static_cast<U128>(base);
    if (value > ~U128{0} - static_cast<U128>(d)) return std::nullopt;
    value += static_cast<U128>(d);
  }
  return value;
}

std::string DecimalOf(U128 value) {
  if (value == 0) return "0";
  std::string out;
  while (value != 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

// Appendix B's stat values, and the spellings SMSCs use beside them.
constexpr EnumNames<DeliveryState, 13> kReceiptStats = {{
    {"DELIVRD", DeliveryState::kDelivered},
    {"DELIVERED", DeliveryState::kDelivered},
    {"ENROUTE", DeliveryState::kPending},
    {"ACCEPTD", DeliveryState::kPending},
    {"ACCEPTED", DeliveryState::kPending},
    {"EXPIRED", DeliveryState::kExpired},
    {"DELETED", DeliveryState::kUndelivered},
    {"UNDELIV", DeliveryState::kUndelivered},
    {"UNDELIVERABLE", DeliveryState::kUndelivered},
    {"UNDELIVERED", DeliveryState::kUndelivered},
    {"REJECTD", DeliveryState::kRejected},
    {"REJECTED", DeliveryState::kRejected},
    {"UNKNOWN", DeliveryState::kUnknown},
}};

}  // namespace

std::optional<DeliveryState> ParseReceiptStat(absl::string_view stat) {
  return ValueNamed(kReceiptStats,
                    absl::AsciiStrToUpper(absl::StripAsciiWhitespace(stat)));
}

absl::StatusOr<ReceiptText> ParseReceiptText(absl::string_view text) {
  std::array<std::optional<absl::string_view>, kKeys.size()> values;
  int key = -1;
  size_t value_begin = 0;
  auto close = [&](size_t end) {
    if (key >= 0 && !values[key].has_value()) {
      values[key] = absl::StripAsciiWhitespace(
          text.substr(value_begin, end - value_begin));
    }
  };
  for (size_t i = 0; i < text.size() && key != kText; ++i) {
    const int found = KeyAt(text, i);
    if (found < 0) continue;
    close(i);
    key = found;
    value_begin = i + kKeys[found].size();
    i = value_begin - 1;
  }
  close(text.size());
  auto refused = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("receipt ", why, ": \"", OneLineText(text, 80), "\""));
  };
  if (!values[kId].has_value() || values[kId]->empty()) {
    return refused("without an id");
  }
  ReceiptText receipt;
  receipt.id = std::string(*values[kId]);
  receipt.stat = std::string(values[kStat].value_or(""));
  const std::optional<DeliveryState> state = ParseReceiptStat(receipt.stat);
  if (!state.has_value()) return refused("without a known stat");
  receipt.state = *state;
  receipt.error = std::string(values[kErr].value_or(""));
  if (values[kSubmitDate].has_value()) {
    receipt.submit_date = ParseReceiptDate(*values[kSubmitDate]);
  }
  if (values[kDoneDate].has_value()) {
    receipt.done_date = ParseReceiptDate(*values[kDoneDate]);
  }
  receipt.text = std::string(values[kText].value_or(""));
  return receipt;
}

std::string CanonicalMessageId(absl::string_view id,
                               MessageIdEncoding encoding) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(id);
  if (encoding == MessageIdEncoding::kText) return std::string(trimmed);
  const std::optional<U128> number =
      ParseNumber(trimmed, encoding == MessageIdEncoding::kHex ? 16 : 10);
  if (number.has_value()) return DecimalOf(*number);
  return encoding == MessageIdEncoding::kHex ? absl::AsciiStrToLower(trimmed)
                                             : std::string(trimmed);
}

}  // namespace herald
