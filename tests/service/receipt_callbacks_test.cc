// Delivery receipts at /callbacks/{provider}/receipt on the API's listener:
// the caller proves itself with the provider's secret (never with the API's
// credentials), a bad call is answered 4xx naming why, and a good one shows
// at once in GET /v2/texts/{id} and the broadcast's stats, across a restart
// of the server, duplicated and out of order.
#include <stdlib.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/service/api_ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/kannel_harness.h"
#include "tests/service/api_test_fixture.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCallbackSecret[] = "cb-s3cret-0123456789";

class ReceiptCallbacksTest : public CallFireApiTest {
 protected:
  void SetUp() override {
    ::setenv("HERALD_TEST_CALLBACK_SECRET", kCallbackSecret, 1);
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
        mock_provider::MockProvider::Start({});
    ASSERT_TRUE(mock.ok()) << mock.status();
    mock_ = *std::move(mock);
    std::vector<uint16_t> ports;
    ASSERT_TRUE(PickPorts(1, &ports).ok());
    listen_ = absl::StrCat("127.0.0.1:", ports[0]);
    providers_ = dir_.Write(
        "providers.json",
        absl::StrCat(R"({"providers":[{"name":"k1","type":"kannel",)",
                     R"("url":"http://127.0.0.1:)", mock_->port(),
                     R"(/cgi-bin/sendsms","callbackUrl":"http://)", listen_,
                     R"(","callbackSecretEnv":"HERALD_TEST_CALLBACK_SECRET"},)",
                     R"({"name":"quiet","type":"kannel",)",
                     R"("url":"http://127.0.0.1:1/cgi-bin/sendsms"}]})"));
    StartService(providers_, "k1");
  }

  // Sends a broadcast of `rows` texts through k1 and waits for its end.
  int64_t SendBroadcast(int rows) {
    std::string recipients;
    for (int i = 0; i < rows; ++i) {
      absl::StrAppend(&recipients, i == 0 ? "" : ",",
                      R"({"phoneNumber":"1213555)", 1000 + i, R"("})");
    }
    const int64_t id =
        Create(absl::StrCat(R"({"name":"r","message":"Hello","recipients":[)",
                            recipients, "]}"),
               "?start=true");
    EXPECT_EQ(WaitFinished(id), "FINISHED");
    return id;
  }

  // A receipt call as Kannel makes it from herald's dlr-url.
  HttpReply Receipt(int64_t broadcast, uint64_t text, int type,
                    absl::string_view extra = "",
                    absl::string_view secret = kCallbackSecret) {
    HttpCall call;
    call.method = "GET";
    call.url = Url(absl::StrCat(
        "/callbacks/k1/receipt?secret=", secret, "&b=", broadcast, "&t=", text,
        "&a=1&n=1&type=", type, "&id=f", text, "&at=1795000000", extra));
    return Send(call);
  }

  json Text(int64_t broadcast, uint64_t text) {
    HttpReply reply =
        Call("GET", absl::StrCat("/v2/texts/", ApiTextId(broadcast, text)));
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.Json();
  }

  json Stats(int64_t broadcast) {
    HttpReply reply =
        Call("GET", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/stats"));
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.Json();
  }

  std::unique_ptr<mock_provider::MockProvider> mock_;
  std::string providers_;
};

TEST_F(ReceiptCallbacksTest, AReceiptShowsInTheTextAndTheStats) {
  const int64_t id = SendBroadcast(3);
  const uint64_t first = TextId(1, 1), second = TextId(1, 2);
  EXPECT_EQ(Text(id, first)["records"][0]["deliveryState"], "PENDING");

  HttpReply reply = Receipt(id, first, 1);
  EXPECT_EQ(reply.status, 200) << reply.body;
  reply = Receipt(id, second, 2, "&reply=id%3Af2+stat%3AEXPIRED+err%3A027");
  EXPECT_EQ(reply.status, 200) << reply.body;

  json record = Text(id, first)["records"][0];
  EXPECT_EQ(record["deliveryState"], "DELIVERED");
  EXPECT_EQ(record["deliveryTime"], 1795000000000);
  record = Text(id, second)["records"][0];
  EXPECT_EQ(record["deliveryState"], "EXPIRED");
  EXPECT_EQ(record["deliveryError"], "027");
  json stats = Stats(id);
  EXPECT_EQ(stats["sentCount"], 3);
  EXPECT_EQ(stats["deliveredCount"], 1);
  EXPECT_EQ(stats["undeliveredCount"], 1);
  EXPECT_EQ(stats["deliveryPendingCount"], 1);
}

TEST_F(ReceiptCallbacksTest, DuplicatesLateOnesAndARestartChangeNothing) {
  const int64_t id = SendBroadcast(2);
  const uint64_t text = TextId(1, 1);
  EXPECT_EQ(Receipt(id, text, 8).status, 200);  // accepted by the SMSC
  EXPECT_EQ(Receipt(id, text, 1).status, 200);
  EXPECT_EQ(Receipt(id, text, 1).status, 200);  // the provider retried
  StopService();
  StartService(providers_, "k1");
  EXPECT_EQ(Receipt(id, text, 2).status, 200);  // a confused SMSC, late
  EXPECT_EQ(Text(id, text)["records"][0]["deliveryState"], "DELIVERED");
  // Days later, after the restart, the other text's receipt still matches.
  EXPECT_EQ(Receipt(id, TextId(1, 2), 1).status, 200);
  EXPECT_EQ(Stats(id)["deliveredCount"], 2);
}

TEST_F(ReceiptCallbacksTest, TheSecretIsTheProvidersNotTheApiUsers) {
  const int64_t id = SendBroadcast(1);
  ExpectError(Receipt(id, TextId(1, 1), 1, "", "wrong-secret-0123456789"), 403,
              "the secret parameter is missing or wrong");
  HttpCall call;
  call.method = "GET";
  call.url = Url(absl::StrCat("/callbacks/k1/receipt?b=", id, "&t=1&a=1"));
  call.user_password = "mary:s3cret";  // the API's credentials: no use here
  ExpectError(Send(call), 403, "the secret parameter is missing or wrong");
  call.url = Url("/callbacks/quiet/receipt?secret=x");
  ExpectError(Send(call), 403, "provider quiet has no callback secret");
  call.url = Url("/callbacks/nobody/receipt?secret=x");
  ExpectError(Send(call), 404, "no provider \"nobody\"");
  call.url = Url("/callbacks/k1/elsewhere");
  ExpectError(Send(call), 404, "no such callback");
  EXPECT_EQ(Text(id, TextId(1, 1))["records"][0]["deliveryState"], "PENDING");
  // No error says the secret.
  HttpReply bad = Receipt(id, TextId(1, 1), 3);
  ExpectError(bad, 400, "receipt parameter type");
  EXPECT_THAT(bad.body, Not(HasSubstr(kCallbackSecret)));
}

TEST_F(ReceiptCallbacksTest, AWrongRouteIsRefusedNamingIt) {
  const int64_t id = SendBroadcast(1);
  ExpectError(Receipt(99, TextId(1, 1), 1), 404, "no broadcast 99");
  ExpectError(Receipt(0, TextId(1, 1), 1), 400, "receipt parameter b");
  // A form body works as the query does.
  HttpCall call;
  call.method = "POST";
  call.url = Url("/callbacks/k1/receipt");
  call.body = absl::StrCat("secret=", kCallbackSecret, "&b=", id,
                           "&t=10000000001&a=1&n=1&type=1&id=x");
  call.headers = {"Content-Type: application/x-www-form-urlencoded"};
  HttpReply reply = Send(call);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(Text(id, TextId(1, 1))["records"][0]["deliveryState"], "DELIVERED");
  call.headers = {"Content-Type: application/json"};
  ExpectError(Send(call), 400, "a callback's body is a form");
}

}  // namespace
}  // namespace herald
