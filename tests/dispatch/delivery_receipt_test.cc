// Delivery receipts without their transport: the states and how they
// combine, receipt texts as SMSCs write them, and message ids matched
// across the spellings of both sides.
#include "engine/dispatch/delivery_receipt.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using State = DeliveryState;

TEST(DeliveryReceiptTest, AFinalStateNeverChanges) {
  EXPECT_EQ(ApplyReceipt(State::kPending, State::kDelivered),
            State::kDelivered);
  EXPECT_EQ(ApplyReceipt(State::kPending, State::kPending), State::kPending);
  // A late ENROUTE, a duplicate, a contradicting second final: the first
  // final stays.
  EXPECT_EQ(ApplyReceipt(State::kDelivered, State::kPending),
            State::kDelivered);
  EXPECT_EQ(ApplyReceipt(State::kDelivered, State::kDelivered),
            State::kDelivered);
  EXPECT_EQ(ApplyReceipt(State::kUndelivered, State::kDelivered),
            State::kUndelivered);
  // In any order, the same end.
  const std::vector<State> receipts = {State::kPending, State::kExpired,
                                       State::kPending, State::kDelivered};
  State forward = State::kPending;
  for (State r : receipts) forward = ApplyReceipt(forward, r);
  EXPECT_EQ(forward, State::kExpired);
}

TEST(DeliveryReceiptTest, AMultipartTextIsDeliveredWhenEveryPartIs) {
  EXPECT_EQ(CombineParts({State::kDelivered, State::kDelivered}),
            State::kDelivered);
  EXPECT_EQ(CombineParts({State::kDelivered, State::kPending}),
            State::kPending);
  EXPECT_EQ(CombineParts({State::kDelivered, State::kUndelivered}),
            State::kPartiallyDelivered);
  EXPECT_EQ(CombineParts({State::kExpired, State::kExpired}), State::kExpired);
  EXPECT_EQ(CombineParts({State::kExpired, State::kRejected}),
            State::kUndelivered);
  EXPECT_EQ(CombineParts({}), State::kPending);
  EXPECT_EQ(DeliveryStateName(State::kPartiallyDelivered),
            "PARTIALLY_DELIVERED");
}

TEST(DeliveryReceiptTest, ReadsTheAppendixBReceipt) {
  absl::StatusOr<ReceiptText> receipt = ParseReceiptText(
      "id:0123456789 sub:001 dlvrd:001 submit date:2612041530 done "
      "date:2612041531 stat:DELIVRD err:000 text:Hello Ann, thank");
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->id, "0123456789");
  EXPECT_EQ(receipt->state, State::kDelivered);
  EXPECT_EQ(receipt->stat, "DELIVRD");
  EXPECT_EQ(receipt->error, "000");
  EXPECT_EQ(receipt->submit_date,
            absl::FromCivil(absl::CivilMinute(2026, 12, 4, 15, 30),
                            absl::UTCTimeZone()));
  EXPECT_EQ(receipt->done_date,
            absl::FromCivil(absl::CivilMinute(2026, 12, 4, 15, 31),
                            absl::UTCTimeZone()));
  EXPECT_EQ(receipt->text, "Hello Ann, thank");
}

TEST(DeliveryReceiptTest, ReadsTheWaysSmscsVaryIt) {
  // Keys in another case and order, seconds in the dates, no text, extra
  // spaces, a stat spelt out.
  absl::StatusOr<ReceiptText> receipt = ParseReceiptText(
      "ID:7f3a  STAT:undeliverable  Err:34 Submit Date:261204153005 "
      "Done Date:991340");
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->id, "7f3a");
  EXPECT_EQ(receipt->state, State::kUndelivered);
  EXPECT_EQ(receipt->error, "34");
  EXPECT_EQ(receipt->submit_date,
            absl::FromCivil(absl::CivilSecond(2026, 12, 4, 15, 30, 5),
                            absl::UTCTimeZone()));
  EXPECT_FALSE(receipt->done_date.has_value()) << "an unreadable date";
  EXPECT_EQ(receipt->text, "");
  // The text is last and holds anything, keys included.
  receipt = ParseReceiptText("id:9 stat:ENROUTE text:stat:DELIVRD id:1");
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->id, "9");
  EXPECT_EQ(receipt->state, State::kPending);
  EXPECT_EQ(receipt->text, "stat:DELIVRD id:1");
  // A key inside a word is no key.
  receipt = ParseReceiptText("id:5 xstat:REJECTD stat:REJECTD");
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->state, State::kRejected);
}

TEST(DeliveryReceiptTest, ARefusedReceiptIsQuotedShortAndValid) {
  absl::StatusOr<ReceiptText> no_id = ParseReceiptText("stat:DELIVRD err:0");
  ASSERT_FALSE(no_id.ok());
  EXPECT_THAT(no_id.status().message(), HasSubstr("receipt without an id"));
  absl::StatusOr<ReceiptText> bad_stat =
      ParseReceiptText("id:1 stat:MAYBE text:\xff\xfe" + std::string(200, 'x'));
  ASSERT_FALSE(bad_stat.ok());
  EXPECT_THAT(bad_stat.status().message(),
              HasSubstr("receipt without a known stat: \"id:1 stat:MAYBE"));
  EXPECT_LT(bad_stat.status().message().size(), 140u);
}

TEST(DeliveryReceiptTest, BothSidesOfAMatchSpellTheIdTheSameWay) {
  using E = MessageIdEncoding;
  // An SMSC answering submit_sm in hex and reporting in decimal.
  EXPECT_EQ(CanonicalMessageId("1A2B3C", E::kHex),
            CanonicalMessageId("1715004", E::kDecimal));
  EXPECT_EQ(CanonicalMessageId("001a2b3c", E::kHex), "1715004");
  EXPECT_EQ(CanonicalMessageId(" 0001715004 ", E::kDecimal), "1715004");
  EXPECT_EQ(CanonicalMessageId("0", E::kDecimal), "0");
  EXPECT_EQ(CanonicalMessageId("000", E::kHex), "0");
  // 128 bits at most; past them, and for what is no number, the text.
  EXPECT_EQ(CanonicalMessageId("ffffffffffffffffffffffffffffffff", E::kHex),
            "340282366920938463463374607431768211455");
  EXPECT_EQ(CanonicalMessageId("1ffffffffffffffffffffffffffffffff", E::kHex),
            "1ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(CanonicalMessageId("MSG-77AB", E::kHex), "msg-77ab");
  EXPECT_EQ(CanonicalMessageId("MSG-77AB", E::kText), "MSG-77AB");
  EXPECT_EQ(CanonicalMessageId("12x", E::kDecimal), "12x");
}

}  // namespace
}  // namespace herald
