#include "engine/dispatch/kannel_callbacks.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1795000000);

// What herald's dlr-url carries, with Kannel's placeholders filled in.
CallbackParams KannelCall(std::string type, std::string reply = "",
                          std::string id = "5a1f") {
  return {{"secret", "s"},
          {"b", "7"},
          {"t", "20000000003"},
          {"a", "2"},
          {"n", "3"},
          {"type", std::move(type)},
          {"id", std::move(id)},
          {"at", "1795000123"},
          {"reply", std::move(reply)}};
}

TEST(KannelReceiptTest, CarriesItsRouteAndTheSmscsWords) {
  absl::StatusOr<RoutedReceipt> routed =
      ParseKannelReceipt(KannelCall("1", "", " 5a1f "), kNow);
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->broadcast, 7);
  const DeliveryReceipt& r = routed->receipt;
  EXPECT_EQ(r.text_id, 20000000003u);
  EXPECT_EQ(r.attempt, 2);
  EXPECT_EQ(r.parts, 3);
  EXPECT_EQ(r.part, "5a1f");  // trimmed, as the ids of its match are
  EXPECT_EQ(r.state, DeliveryState::kDelivered);
  EXPECT_EQ(r.at, absl::FromUnixSeconds(1795000123));
  EXPECT_TRUE(r.error.empty());
}

TEST(KannelReceiptTest, EachDlrTypeHasItsState) {
  const struct {
    const char* type;
    DeliveryState state;
  } cases[] = {{"1", DeliveryState::kDelivered},
               {"2", DeliveryState::kUndelivered},
               {"4", DeliveryState::kPending},
               {"8", DeliveryState::kPending},  // the SMSC took it
               {"16", DeliveryState::kRejected}};
  for (const auto& c : cases) {
    absl::StatusOr<RoutedReceipt> routed =
        ParseKannelReceipt(KannelCall(c.type), kNow);
    ASSERT_TRUE(routed.ok()) << c.type << ": " << routed.status();
    EXPECT_EQ(routed->receipt.state, c.state) << c.type;
  }
}

TEST(KannelReceiptTest, TheSmscReceiptTextSaysMoreThanTheType) {
  absl::StatusOr<RoutedReceipt> expired = ParseKannelReceipt(
      KannelCall("2",
                 "id:5a1f sub:001 dlvrd:000 submit date:2611231000 "
                 "done date:2611241000 stat:EXPIRED err:027 text:Hi"),
      kNow);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->receipt.state, DeliveryState::kExpired);
  EXPECT_EQ(expired->receipt.error, "027");

  // A refusal that is not a receipt text is kept, briefly, as the error.
  absl::StatusOr<RoutedReceipt> refused = ParseKannelReceipt(
      KannelCall("16", "NACK/0x0000000b/Invalid Destination Address"), kNow);
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->receipt.state, DeliveryState::kRejected);
  EXPECT_EQ(refused->receipt.error,
            "NACK/0x0000000b/Invalid Destination Address");

  // A delivered text has no error, whatever the receipt's err: says.
  absl::StatusOr<RoutedReceipt> delivered =
      ParseKannelReceipt(KannelCall("1", "id:5a1f stat:DELIVRD err:000"), kNow);
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(delivered->receipt.state, DeliveryState::kDelivered);
  EXPECT_TRUE(delivered->receipt.error.empty());
}

TEST(KannelReceiptTest, AReceiptWithoutAPartCountIsOfTheWholeText) {
  CallbackParams params;
  for (auto& [name, value] : KannelCall("1")) {
    if (name != "n") params.emplace_back(name, value);
  }
  absl::StatusOr<RoutedReceipt> routed = ParseKannelReceipt(params, kNow);
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->receipt.parts, 1);
}

TEST(KannelReceiptTest, AReceiptWithoutATimeHappenedWhenItCame) {
  CallbackParams params = KannelCall("1");
  params.erase(params.begin() + 7);  // at
  absl::StatusOr<RoutedReceipt> routed = ParseKannelReceipt(params, kNow);
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->receipt.at, kNow);
  params.emplace_back("at", "0");
  routed = ParseKannelReceipt(params, kNow);
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->receipt.at, kNow);
}

TEST(KannelReceiptTest, NamesTheParameterThatIsWrong) {
  const struct {
    const char* name;
    const char* value;  // nullptr: left out
    const char* says;
  } cases[] = {
      {"b", nullptr, "parameter b: missing"},
      {"b", "0", "parameter b: expected an integer from 1"},
      {"t", "x", "parameter t: expected an integer from 1"},
      {"a", "1001", "parameter a: expected an integer from 1 to 1000"},
      {"n", "", "parameter n: expected an integer from 1 to 255"},
      {"n", "0", "parameter n: expected an integer from 1 to 255"},
      {"type", "%d", "parameter type: expected an integer"},
      {"type", "3", "parameter type: expected a Kannel DLR type"},
      {"at", "yesterday", "parameter at: expected an integer"},
  };
  for (const auto& c : cases) {
    CallbackParams params;
    for (auto& [name, value] : KannelCall("1")) {
      if (name != c.name) params.emplace_back(name, value);
    }
    if (c.value != nullptr) params.emplace_back(c.name, c.value);
    absl::StatusOr<RoutedReceipt> routed = ParseKannelReceipt(params, kNow);
    ASSERT_FALSE(routed.ok()) << c.name;
    EXPECT_EQ(routed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(routed.status().message(), HasSubstr(c.says));
  }
  // What an error quotes is short and valid UTF-8.
  CallbackParams params = KannelCall(std::string(300, '\xff'));
  absl::StatusOr<RoutedReceipt> routed = ParseKannelReceipt(params, kNow);
  ASSERT_FALSE(routed.ok());
  EXPECT_LT(routed.status().message().size(), 200u);
}

// What Kannel's sms-service get-url (README) passes on for an inbound text.
CallbackParams InboundCall(std::string from, std::string text,
                           std::string coding = "0",
                           std::string charset = "UTF-8") {
  return {{"secret", "s"},
          {"from", std::move(from)},
          {"to", "+1 (920) 659-6476"},
          {"text", std::move(text)},
          {"coding", std::move(coding)},
          {"charset", std::move(charset)},
          {"time", "1795000123"}};
}

TEST(KannelInboundTest, ReadsTheSenderTheNumberTheTextAndTheTime) {
  absl::StatusOr<InboundText> text =
      ParseKannelInbound(InboundCall("+12135551234", "Stop please"), kNow);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->from, 12135551234u);
  EXPECT_EQ(text->to, "19206596476");  // its digits
  EXPECT_EQ(text->message, "Stop please");
  EXPECT_EQ(text->at, absl::FromUnixSeconds(1795000123));
  // Any spelling of a NANP number; a short code as the number it went to.
  CallbackParams params = InboundCall("2135551234", "x");
  params[2].second = "67076";
  text = ParseKannelInbound(params, kNow);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->from, 12135551234u);
  EXPECT_EQ(text->to, "67076");
}

TEST(KannelInboundTest, DecodesTheTextInItsCharset) {
  // "Привет" as UTF-16BE, as Kannel passes a UCS-2 text (coding 2).
  const std::string utf16 = "\x04\x1F\x04\x40\x04\x38\x04\x32\x04\x35\x04\x42";
  absl::StatusOr<InboundText> text =
      ParseKannelInbound(InboundCall("12135551234", utf16, "2", ""), kNow);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->message, "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82");
  text = ParseKannelInbound(
      InboundCall("12135551234", "caf\xE9", "0", "ISO-8859-1"), kNow);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->message, "caf\xC3\xA9");
  // Bytes that are not text in the charset said become U+FFFD.
  text = ParseKannelInbound(InboundCall("12135551234", "ok\xFF"), kNow);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->message, "ok\xEF\xBF\xBD");
}

TEST(KannelInboundTest, NamesTheParameterThatIsWrong) {
  const auto error = [](CallbackParams params) {
    absl::StatusOr<InboundText> text = ParseKannelInbound(params, kNow);
    EXPECT_FALSE(text.ok());
    return std::string(text.status().message());
  };
  EXPECT_THAT(error(InboundCall("12345", "STOP")),
              HasSubstr("parameter from: \"12345\""));
  EXPECT_THAT(error({{"to", "1"}, {"text", "STOP"}}),
              HasSubstr("parameter from: missing"));
  CallbackParams no_to = InboundCall("12135551234", "STOP");
  no_to[2].second = "";
  EXPECT_THAT(error(no_to), HasSubstr("parameter to: expected the number"));
  EXPECT_THAT(error(InboundCall("12135551234", "STOP", "0", "EBCDIC")),
              HasSubstr("parameter charset: charset \"EBCDIC\""));
  EXPECT_THAT(error(InboundCall("12135551234", "STOP", "9")),
              HasSubstr("parameter coding: expected an integer from -1 to 2"));
}

}  // namespace
}  // namespace herald
