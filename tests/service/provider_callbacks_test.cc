// Delivery receipts at /callbacks/{provider}/receipt on the API's listener:
// the caller proves itself with the provider's secret (never with the API's
// credentials), a bad call is answered 4xx naming why, and a good one shows
// at once in GET /v2/texts/{id} and the broadcast's stats, across a restart
// of the server, duplicated and out of order.
#include <stdlib.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
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

class ProviderCallbacksTest : public CallFireApiTest {
 protected:
  void SetUp() override {
    ::setenv("HERALD_TEST_CALLBACK_SECRET", kCallbackSecret, 1);
    mock_provider::Options mock_options;
    mock_options.log_path = dir_.File("arrived.jsonl");
    mock_options.log_flush_ms = 10;
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
        mock_provider::MockProvider::Start(mock_options);
    ASSERT_TRUE(mock.ok()) << mock.status();
    mock_ = *std::move(mock);
    // The callback URL names the listener's port, so it is picked first;
    // should another process take it meanwhile, another is picked.
    for (int attempt = 0; attempt < 5; ++attempt) {
      std::vector<uint16_t> ports;
      ASSERT_TRUE(PickPorts(1, &ports).ok());
      listen_ = absl::StrCat("127.0.0.1:", ports[0]);
      providers_ = dir_.Write(
          "providers.json",
          absl::StrCat(
              R"({"providers":[{"name":"k1","type":"kannel",)",
              R"("url":"http://127.0.0.1:)", mock_->port(),
              R"(/cgi-bin/sendsms","callbackUrl":"http://)", listen_,
              R"(","callbackSecretEnv":"HERALD_TEST_CALLBACK_SECRET"},)",
              R"({"name":"quiet","type":"kannel",)",
              R"("url":"http://127.0.0.1:1/cgi-bin/sendsms"}]})"));
      StartService(providers_, "k1");
      if (!port_taken_) return;
      engine_.reset();
    }
    FAIL() << "no free port in 5 attempts";
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

  // A text as Kannel's sms-service get-url passes it on.
  HttpReply Inbound(absl::string_view from, absl::string_view to,
                    absl::string_view text, int64_t time = 1795000000) {
    HttpCall call;
    call.method = "GET";
    std::string encoded;
    for (char c : text) {
      absl::StrAppend(&encoded,
                      absl::ascii_isalnum(static_cast<unsigned char>(c))
                          ? std::string(1, c)
                          : absl::StrFormat("%%%02X", c & 0xFF));
    }
    call.url = Url(absl::StrCat(
        "/callbacks/k1/inbound?secret=", kCallbackSecret, "&from=", from,
        "&to=", to, "&text=", encoded, "&coding=0&charset=UTF-8&time=", time));
    return Send(call);
  }

  // The numbers the mock took a text for, once it has written `count` of
  // them out (its log is flushed every 10 ms) or 5 s have passed.
  std::vector<std::string> Arrived(size_t count) const {
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    std::vector<std::string> to;
    do {
      to.clear();
      for (absl::string_view line :
           absl::StrSplit(ReadWholeFile(dir_.File("arrived.jsonl")), '\n',
                          absl::SkipEmpty())) {
        to.push_back(json::parse(line.begin(), line.end())["to"]);
      }
      if (to.size() >= count) break;
      absl::SleepFor(absl::Milliseconds(10));
    } while (absl::Now() < deadline);
    return to;
  }

  // Waits until the broadcast has sent `count` texts.
  void WaitForSent(int64_t id, uint64_t count) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      absl::StatusOr<StoreStats> stats = engine_->Stats(id);
      if (stats.ok() && stats->counts.sent >= count) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    ADD_FAILURE() << "broadcast " << id << " did not send " << count;
  }

  std::unique_ptr<mock_provider::MockProvider> mock_;
  std::string providers_;
};

TEST_F(ProviderCallbacksTest, AReceiptShowsInTheTextAndTheStats) {
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

TEST_F(ProviderCallbacksTest, DuplicatesLateOnesAndARestartChangeNothing) {
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

TEST_F(ProviderCallbacksTest, TheSecretIsTheProvidersNotTheApiUsers) {
  const int64_t id = SendBroadcast(1);
  ExpectError(Receipt(id, TextId(1, 1), 1, "", "wrong-secret-0123456789"), 403,
              "the secret parameter is missing or wrong");
  HttpCall call;
  call.method = "GET";
  call.url = Url(absl::StrCat("/callbacks/k1/receipt?b=", id, "&t=1&a=1"));
  call.user_password = "mary:s3cret";  // the API's credentials: no use here
  ExpectError(Send(call), 403, "the secret parameter is missing or wrong");
  // A provider without a secret, or none of that name, answers as a wrong
  // secret does: nothing to learn about the providers file.
  call.url = Url("/callbacks/quiet/receipt?secret=x");
  ExpectError(Send(call), 403, "the secret parameter is missing or wrong");
  call.url =
      Url(absl::StrCat("/callbacks/nobody/receipt?secret=", kCallbackSecret));
  ExpectError(Send(call), 403, "the secret parameter is missing or wrong");
  call.url = Url("/callbacks/k1/elsewhere");
  ExpectError(Send(call), 404, "no such callback");
  EXPECT_EQ(Text(id, TextId(1, 1))["records"][0]["deliveryState"], "PENDING");
  // No error says the secret.
  HttpReply bad = Receipt(id, TextId(1, 1), 3);
  ExpectError(bad, 400, "receipt parameter type");
  EXPECT_THAT(bad.body, Not(HasSubstr(kCallbackSecret)));
}

TEST_F(ProviderCallbacksTest, AWrongRouteIsRefusedNamingIt) {
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

TEST_F(ProviderCallbacksTest, AStopIsInForceOnceItsCallbackIsAnswered) {
  BroadcastOptions options;
  options.provider = "k1";
  absl::StatusOr<BroadcastId> id = engine_->CreateBroadcast(
      R"({"name":"stop","fromNumber":"19206596476","message":"Hi"})", options);
  ASSERT_TRUE(id.ok()) << id.status();
  const auto recipients = [](std::vector<std::string> numbers) {
    std::vector<Recipient> out;
    for (std::string& number : numbers) out.push_back({std::move(number), {}});
    return BatchSource::Recipients(std::move(out));
  };
  ASSERT_TRUE(
      engine_->AddBatch(*id, recipients({"12135551001", "12135551002"}), {})
          .ok());
  // The second batch waits, switched off: its texts are still to go when
  // the STOP comes.
  absl::StatusOr<BatchId> waiting =
      engine_->AddBatch(*id, recipients({"12135551003", "12135551004"}), {});
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  ASSERT_TRUE(engine_->SetBatchEnabled(*id, *waiting, false).ok());
  ASSERT_TRUE(engine_->Start(*id).ok());
  WaitForSent(*id, 2);

  HttpReply stop = Inbound("%2B12135551003", "19206596476", "Stop.");
  ASSERT_EQ(stop.status, 200) << stop.body;
  ASSERT_TRUE(engine_->SetBatchEnabled(*id, *waiting, true).ok());
  EXPECT_EQ(WaitFinished(*id), "FINISHED");
  EXPECT_THAT(Arrived(3), ::testing::UnorderedElementsAre(
                              "12135551001", "12135551002", "12135551004"));
  json text = Text(*id, TextId(*waiting, 1));
  EXPECT_EQ(text["state"], "DNC");
  EXPECT_EQ(text["finalTextResult"], "DNT");

  HttpReply entry = Call("GET", "/v2/contacts/dncs/12135551003");
  ASSERT_EQ(entry.status, 200) << entry.body;
  EXPECT_EQ(entry.Json()["source"], "keyword");
  EXPECT_EQ(entry.Json()["text"], true);
  // The broadcast never texted the number that opted out, so the STOP is
  // no broadcast's reply (campaign 0); a reply from one it did text is its
  // own, found as the seeds' SMS chat finds replies.
  ASSERT_EQ(Inbound("12135551001", "19206596476", "STOP").status, 200);
  HttpReply replies =
      Call("GET", absl::StrCat("/v2/texts?inbound=true&campaignId=", *id));
  ASSERT_EQ(replies.status, 200) << replies.body;
  json items = replies.Json()["items"];
  ASSERT_EQ(items.size(), 1u) << replies.body;
  EXPECT_EQ(items[0]["fromNumber"], "12135551001");
  EXPECT_EQ(items[0]["campaignId"], *id);
  replies = Call("GET", "/v2/texts?inbound=true&campaignId=0");
  items = replies.Json()["items"];
  ASSERT_EQ(items.size(), 1u) << replies.body;
  EXPECT_EQ(items[0]["fromNumber"], "12135551003");
  EXPECT_EQ(items[0]["toNumber"], "19206596476");
  EXPECT_EQ(items[0]["message"], "Stop.");
  EXPECT_EQ(items[0]["inbound"], true);
  EXPECT_EQ(items[0]["state"], "FINISHED");
  EXPECT_EQ(items[0]["finalTextResult"], "RECEIVED");
  EXPECT_EQ(items[0]["keyword"], "OPT_OUT");
  EXPECT_EQ(items[0]["campaignId"], 0);
  HttpReply one =
      Call("GET", absl::StrCat("/v2/texts/", items[0]["id"].get<int64_t>()));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json(), items[0]);

  // START undoes the keyword's entry, and only that.
  ASSERT_EQ(Inbound("12135551003", "19206596476", "start", 1795000100).status,
            200);
  EXPECT_EQ(Call("GET", "/v2/contacts/dncs/12135551003").status, 404);
}

TEST_F(ProviderCallbacksTest,
       AReplyBelongsToTheBroadcastThatTextedFromThatNumber) {
  BroadcastOptions options;
  options.provider = "k1";
  std::vector<BroadcastId> ids;
  for (const char* from : {"19206596476", "13105550100"}) {
    absl::StatusOr<BroadcastId> id = engine_->CreateBroadcast(
        absl::StrCat(R"({"name":"from )", from, R"(","fromNumber":")", from,
                     R"(","message":"Hi"})"),
        options);
    ASSERT_TRUE(id.ok()) << id.status();
    ASSERT_TRUE(
        engine_
            ->AddBatch(*id, BatchSource::Recipients({{"12135557777", {}}}), {})
            .ok());
    ASSERT_TRUE(engine_->Start(*id).ok());
    EXPECT_EQ(WaitFinished(*id), "FINISHED");
    ids.push_back(*id);
  }
  ASSERT_EQ(Inbound("12135557777", "13105550100", "who is this?").status, 200);
  ASSERT_EQ(Inbound("12135557777", "19206596476", "thanks").status, 200);
  ASSERT_EQ(Inbound("12135557777", "18005550199", "hello?").status, 200);
  // Kannel called twice for one text: kept once.
  ASSERT_EQ(Inbound("12135557777", "18005550199", "hello?").status, 200);

  const auto replies = [&](int64_t campaign) {
    HttpReply reply = Call(
        "GET", absl::StrCat("/v2/texts?inbound=true&campaignId=", campaign));
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<std::string> messages;
    const json answer = reply.Json();
    for (const json& item : answer["items"]) {
      messages.push_back(item["message"]);
    }
    return messages;
  };
  EXPECT_THAT(replies(ids[0]), ::testing::ElementsAre("thanks"));
  EXPECT_THAT(replies(ids[1]), ::testing::ElementsAre("who is this?"));
  EXPECT_THAT(replies(0), ::testing::ElementsAre("hello?"));  // no broadcast
  HttpReply all = Call("GET", "/v2/texts?inbound=true&fromNumber=2135557777");
  EXPECT_EQ(all.Json()["totalCount"], 3) << all.body;
  // Not an opt-out: the number is texted as before.
  EXPECT_EQ(Call("GET", "/v2/contacts/dncs/12135557777").status, 404);
}

TEST_F(ProviderCallbacksTest, ABadInboundCallIsRefusedNamingWhy) {
  ExpectError(Inbound("not-a-number", "19206596476", "STOP"), 400,
              "inbound parameter from");
  HttpCall call;
  call.method = "GET";
  call.url = Url(absl::StrCat("/callbacks/k1/inbound?secret=", kCallbackSecret,
                              "&from=12135551003&to=1&text=x&charset=EBCDIC"));
  ExpectError(Send(call), 400, "inbound parameter charset: charset \"EBCDIC\"");
  EXPECT_EQ(Call("GET", "/v2/contacts/dncs/12135551003").status, 404);
}

}  // namespace
}  // namespace herald
