// CallFire's v2 API as `herald serve` answers it, over real HTTP on
// loopback (libcurl) to an ApiServer over a real Engine and state
// directory: every route, its codes and shapes against the seeds' examples.
#include <sys/stat.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/service/api_server.h"
#include "gtest/gtest.h"
#include "herald/engine.h"
#include "tests/http_test_client.h"
#include "tests/service/api_test_fixture.h"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

// The seeds' charity broadcast (callfire-v2-usecase-nonprofit.txt), written
// as loosely as the seeds write their requests: a comment line, numbers as
// attribute values, a trailing comma.
constexpr char kCharity[] = R"({
  "name":"Charity SMS Campaign",
  "labels": ["charity", "id-10003"],
  "fromNumber":"19206596476",
  # the recipients, with their attributes
  "recipients": [
    {"phoneNumber":"13233834422", "attributes": {"u_name": "Alice", "age": 30}},
    {"phoneNumber":"13233834433", "attributes": {"u_name": "Mark", "age": 45}},
    {"phoneNumber":"13233834488",
     "message": "Hi ${u_name}, the megic number is ${magic_number}",
     "attributes": {"u_name": "Jane", "magic_number": "10"}},
  ],
  "message":"Hello ${u_name} ..."
})";

TEST_F(CallFireApiTest, TheCharityExampleSendsAndIsFoundAsTheSeedsShow) {
  const int64_t id = Create(kCharity, "?start=true");
  ASSERT_EQ(id, 1);
  EXPECT_EQ(WaitFinished(id), "FINISHED");

  HttpReply broadcast = Call("GET", "/v2/texts/broadcasts/1");
  ASSERT_EQ(broadcast.status, 200) << broadcast.body;
  nlohmann::json b = broadcast.Json();
  EXPECT_EQ(b["id"], 1);
  EXPECT_EQ(b["name"], "Charity SMS Campaign");
  EXPECT_EQ(b["status"], "FINISHED");
  EXPECT_EQ(b["fromNumber"], "19206596476");
  EXPECT_EQ(b["labels"], nlohmann::json({"charity", "id-10003"}));
  EXPECT_FALSE(b.contains("recipients"));

  HttpReply texts = Call("GET", "/v2/texts/broadcasts/1/texts");
  ASSERT_EQ(texts.status, 200) << texts.body;
  nlohmann::json page = texts.Json();
  EXPECT_EQ(page["totalCount"], 3);
  EXPECT_EQ(page["limit"], 100);
  EXPECT_EQ(page["offset"], 0);
  ASSERT_EQ(page["items"].size(), 3);
  const nlohmann::json& jane = page["items"][2];
  EXPECT_EQ(jane["id"], int64_t{10010000000003});
  EXPECT_EQ(jane["campaignId"], 1);
  EXPECT_EQ(jane["batchId"], 1001);
  EXPECT_EQ(jane["toNumber"], "13233834488");
  EXPECT_EQ(jane["fromNumber"], "19206596476");
  EXPECT_EQ(jane["state"], "FINISHED");
  EXPECT_EQ(jane["finalTextResult"], "SENT");
  EXPECT_EQ(jane["inbound"], false);
  EXPECT_EQ(jane["message"], "Hi Jane, the megic number is 10");
  EXPECT_EQ(page["items"][0]["message"], "Hello Alice ...");
  ASSERT_EQ(jane["records"].size(), 1);
  EXPECT_EQ(jane["records"][0]["textResult"], "SENT");
  EXPECT_FALSE(jane["records"][0].contains("id"));

  // One text by its id, and the same through GET /v2/texts?id=.
  HttpReply one = Call("GET", "/v2/texts/10010000000003");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json(), jane);
  HttpReply by_ids =
      Call("GET", "/v2/texts?id=10010000000003&id=10010000000001&states=DNC");
  ASSERT_EQ(by_ids.status, 200) << by_ids.body;
  EXPECT_EQ(by_ids.Json()["totalCount"], 2);

  // Paging and partial responses, as the SMS-chat how-to asks for them.
  HttpReply second =
      Call("GET",
           "/v2/texts?campaignId=1&offset=1&limit=1&fields=items(id,message),"
           "totalCount");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.Json(),
            nlohmann::json::parse(
                R"({"items":[{"id":10010000000002,"message":"Hello Mark ..."}],
                    "totalCount":3})"));

  HttpReply stats = Call("GET", "/v2/texts/broadcasts/1/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  nlohmann::json s = stats.Json();
  EXPECT_EQ(s["totalCount"], 3);
  EXPECT_EQ(s["sentCount"], 3);
  EXPECT_EQ(s["remainingOutboundCount"], 0);
  EXPECT_EQ(s["batches"][0]["id"], 1001);
  HttpReply trimmed =
      Call("GET", "/v2/texts/broadcasts/1/stats?fields=sentCount,unsentCount");
  EXPECT_EQ(trimmed.Json(),
            nlohmann::json::parse(R"({"sentCount":3,"unsentCount":0})"));
}

TEST_F(CallFireApiTest, RefusesRequestsWithoutTheRightCredentials) {
  for (const char* user : {"", "mary:wrong", "nobody:s3cret", "mary"}) {
    HttpReply reply = Call("GET", "/v2/texts/broadcasts", "", user);
    ExpectError(
        reply, 401,
        user[0] == '\0' ? "credentials required" : "username or password");
    EXPECT_NE(reply.headers.find("WWW-Authenticate: Basic realm=\"herald\""),
              std::string::npos)
        << reply.headers;
  }
  // A refused request's body is never read, nor acted on.
  ExpectError(Call("POST", "/v2/texts/broadcasts", kCharity, "bob:nope"), 401,
              "wrong");
  EXPECT_TRUE(engine_->ListBroadcasts().empty());
  EXPECT_EQ(Call("GET", "/v2/texts/broadcasts", "", "bob:pw").status, 200);
}

TEST_F(CallFireApiTest, AnswersUnknownThingsInCallFiresErrorShape) {
  ExpectError(Call("GET", "/v2/texts/broadcasts/7"), 404, "7");
  ExpectError(Call("POST", "/v2/texts/broadcasts/7/start"), 404, "7");
  ExpectError(Call("GET", "/v2/texts/broadcasts/abc"), 400,
              "broadcast id: expected a non-negative integer, got \"abc\"");
  ExpectError(Call("GET", "/v2/texts/123"), 404, "no text 123");
  ExpectError(Call("GET", "/v2/campaigns/batches/5000"), 404, "no batch 5000");
  ExpectError(Call("GET", "/v2/nothing/here"), 404,
              "no such resource: GET /v2/nothing/here");
  HttpReply wrong_method = Call("DELETE", "/v2/texts/broadcasts");
  ExpectError(wrong_method, 405, "takes POST, GET");
  ExpectError(Call("GET", "/v2/texts/broadcasts?limit=1001"), 400,
              "query parameter limit: expected an integer from 0 to 1000");
  ExpectError(Call("GET", "/v2/texts?states=SENDING"), 400,
              "query parameter states: \"SENDING\" is not one of READY");
  ExpectError(Call("GET", "/v2/texts?fields=items(id"), 400,
              "query parameter fields");
  ExpectError(Call("GET", "/v2/texts?toNumber=%ZZ"), 400,
              "'%' not followed by two hex digits");
}

TEST_F(CallFireApiTest, NamesTheFieldOfABadBody) {
  ExpectError(Call("POST", "/v2/texts/broadcasts", R"({"name":"x",)"), 400,
              "request body: not valid JSON at line 1");
  ExpectError(
      Call("POST", "/v2/texts/broadcasts", R"({"name":"x","mesage":"typo"})"),
      400, "mesage: unknown field");
  ExpectError(Call("POST", "/v2/texts/broadcasts",
                   R"({"recipients":[{"phoneNumber":"12135551234",
                        "contactId":122460000043}]})"),
              400, "recipients[0].contactId: herald keeps no contacts");
  ExpectError(Call("POST", "/v2/texts/broadcasts",
                   R"({"recipients":[{"attributes":{"a":"b"}}]})"),
              400, "recipients[0]: a recipient needs a phoneNumber");
  ExpectError(Call("POST", "/v2/texts/broadcasts",
                   R"({"recipients":[{"phoneNumber":"12135551234",
                        "attributes":{"a":{"b":1}}}]})"),
              400, "recipients[0].attributes.a: expected a string, number");
  ExpectError(Call("POST", "/v2/texts/broadcasts", R"(["not", "an object"])"),
              400, "request body: expected an object");
  EXPECT_TRUE(engine_->ListBroadcasts().empty());
  // Unknown query parameters are no error.
  EXPECT_EQ(Call("GET", "/v2/texts/broadcasts?whatever=1").status, 200);
}

TEST_F(CallFireApiTest, StrictValidationRefusesABadNumberAndLeavesNothing) {
  ExpectError(Call("POST", "/v2/texts/broadcasts?strictValidation=true",
                   R"({"message":"hi","recipients":[
                        {"phoneNumber":"12135551234"},
                        {"phoneNumber":"1213555"}]})"),
              400, "strictValidation");
  HttpReply found = Call("GET", "/v2/texts/broadcasts");
  EXPECT_EQ(found.Json()["totalCount"], 0) << found.body;
}

TEST_F(CallFireApiTest, BatchesAreAddedFoundAndSwitchedOffAndOn) {
  const int64_t id = Create(R"({"name":"Batches","message":"Hi ${name}"})");
  ASSERT_EQ(id, 1);
  HttpReply added = Call("POST", "/v2/texts/broadcasts/1/batches", R"({
      "name": "contact batch",
      "recipients": [{"phoneNumber":"12135551122", "attributes":{"name":"A"}},
                     {"phoneNumber":"(213) 555-1122", "attributes":{"name":"B"}},
                     {"phoneNumber":"12135553434", "attributes":{"name":"C"}}],
      "scrubDuplicates": "true"
  })");
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.Json(), nlohmann::json::parse(R"({"id":1001})"));

  HttpReply batch = Call("GET", "/v2/campaigns/batches/1001");
  ASSERT_EQ(batch.status, 200) << batch.body;
  nlohmann::json b = batch.Json();
  EXPECT_EQ(b["id"], 1001);
  EXPECT_EQ(b["name"], "contact batch");
  EXPECT_EQ(b["status"], "ACTIVE");
  EXPECT_EQ(b["broadcastId"], 1);
  EXPECT_EQ(b["size"], 3);
  EXPECT_EQ(b["enabled"], true);

  // The seeds' PUT: {"enabled": false}, answered 200 with no body.
  HttpReply off =
      Call("PUT", "/v2/campaigns/batches/1001", R"( { "enabled": false } )");
  EXPECT_EQ(off.status, 200);
  EXPECT_EQ(off.body, "");
  EXPECT_EQ(Call("GET", "/v2/campaigns/batches/1001").Json()["enabled"], false);
  ExpectError(Call("PUT", "/v2/campaigns/batches/1001", R"({"size": 3})"), 400,
              "size: unknown field");
  EXPECT_EQ(
      Call("PUT", "/v2/campaigns/batches/1001", R"({"enabled":"true"})").status,
      200);

  HttpReply page = Call(
      "GET", "/v2/texts/broadcasts/1/batches?fields=items(name,status,size)");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.Json(), nlohmann::json::parse(R"({"items":[
      {"name":"contact batch","status":"ACTIVE","size":3}]})"));

  // Sent: the duplicate ends DUP, the two others are texted.
  ASSERT_EQ(Call("POST", "/v2/texts/broadcasts/1/start").status, 200);
  EXPECT_EQ(WaitFinished(id), "FINISHED");
  HttpReply dups = Call("GET", "/v2/texts?batchId=1001&states=DUP");
  ASSERT_EQ(dups.status, 200) << dups.body;
  EXPECT_EQ(dups.Json()["totalCount"], 1);
  EXPECT_EQ(dups.Json()["items"][0]["toNumber"], "12135551122");
  EXPECT_EQ(Call("GET", "/v2/texts?results=SENT").Json()["totalCount"], 2);
}

TEST_F(CallFireApiTest, AStartStopStartCycleOfARunningBroadcast) {
  const int64_t id = Create(FutureBroadcast("Later"));
  ASSERT_EQ(id, 1);
  auto status = [&] {
    return Call("GET", "/v2/texts/broadcasts/1?fields=status").Json()["status"];
  };
  // Start answers once the broadcast is START_PENDING; its runner makes it
  // RUNNING a moment later.
  auto settled_status = [&] {
    nlohmann::json now = status();
    for (int i = 0; i < 1000 && now == "START_PENDING"; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
      now = status();
    }
    return now;
  };
  EXPECT_EQ(status(), "SETUP");
  // start, stop and archive take a POST with no body and no Content-Length.
  for (const char* step : {"start", "stop", "start"}) {
    HttpReply reply =
        Call("POST", absl::StrCat("/v2/texts/broadcasts/1/", step));
    EXPECT_EQ(reply.status, 200) << step << ": " << reply.body;
    EXPECT_EQ(reply.body, "");
    EXPECT_EQ(settled_status(),
              std::string(step) == "start" ? "RUNNING" : "STOPPED");
  }
  HttpReply running = Call("GET", "/v2/texts/broadcasts?running=true");
  EXPECT_EQ(running.Json()["totalCount"], 1) << running.body;

  // A partial update needs the broadcast stopped, and keeps what it omits.
  ExpectError(Call("PUT", "/v2/texts/broadcasts/1", R"({"name":"Renamed"})"),
              400, "SETUP or STOPPED");
  ASSERT_EQ(Call("POST", "/v2/texts/broadcasts/1/stop").status, 200);
  HttpReply renamed =
      Call("PUT", "/v2/texts/broadcasts/1", R"({"name":"Renamed"})");
  EXPECT_EQ(renamed.status, 200) << renamed.body;
  nlohmann::json b = Call("GET", "/v2/texts/broadcasts/1").Json();
  EXPECT_EQ(b["name"], "Renamed");
  EXPECT_EQ(b["message"], "later");
  EXPECT_EQ(b["status"], "STOPPED");

  // Archived: hidden from searches, still there by id.
  ASSERT_EQ(Call("POST", "/v2/texts/broadcasts/1/archive").status, 200);
  EXPECT_EQ(Call("GET", "/v2/texts/broadcasts").Json()["totalCount"], 0);
  EXPECT_EQ(status(), "ARCHIVED");
}

TEST_F(CallFireApiTest, FindsBroadcastsByNameLabelAndPage) {
  for (const char* name : {"Spring fair", "Summer fair", "Winter appeal"}) {
    Create(absl::StrCat(R"({"name":")", name,
                        R"(","labels":["fair"],"message":"m"})"));
  }
  Create(R"({"name":"Unlabelled","message":"m"})");
  nlohmann::json fairs =
      Call("GET", "/v2/texts/broadcasts?name=FAIR&limit=1&offset=1").Json();
  EXPECT_EQ(fairs["totalCount"], 2);
  ASSERT_EQ(fairs["items"].size(), 1);
  EXPECT_EQ(fairs["items"][0]["name"], "Summer fair");
  EXPECT_EQ(Call("GET", "/v2/texts/broadcasts?label=fair").Json()["totalCount"],
            3);
  EXPECT_EQ(Call("GET", "/v2/texts/broadcasts?running=false&fields=totalCount")
                .Json(),
            nlohmann::json::parse(R"({"totalCount":4})"));
}

TEST_F(CallFireApiTest, RecipientsAddedToABroadcastAnswerTheirTexts) {
  ASSERT_EQ(Create(R"({"name":"R","message":"Hi","fromNumber":"67076"})"), 1);
  HttpReply added = Call("POST", "/v2/texts/broadcasts/1/recipients", R"([
      {"phoneNumber":"12135551122"},
      {"phoneNumber":"2135558090",
       "attributes": {"custom_external_id": 30005044}}])");
  ASSERT_EQ(added.status, 200) << added.body;
  nlohmann::json items = added.Json()["items"];
  ASSERT_EQ(items.size(), 2);
  EXPECT_EQ(items[1]["id"], int64_t{10010000000002});
  EXPECT_EQ(items[1]["toNumber"], "12135558090");
  EXPECT_EQ(items[1]["state"], "READY");
  EXPECT_EQ(items[1]["campaignId"], 1);
  EXPECT_EQ(items[1]["batchId"], 1001);
  EXPECT_EQ(items[1]["fromNumber"], "67076");
  EXPECT_EQ(items[1]["attributes"]["custom_external_id"], "30005044");
}

TEST_F(CallFireApiTest, TheDoNotContactListAsTheSeedsShowIt) {
  HttpReply added = Call("POST", "/v2/contacts/dncs", R"({
      "source": "My DNC list 1", "call": true, "text": true,
      "numbers": ["12132000381", "12132000382", 12132000383]})");
  EXPECT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(added.body, "");
  ASSERT_EQ(Call("POST", "/v2/contacts/dncs",
                 R"({"numbers":["(424) 555-0100"],"text":false})")
                .status,
            200);

  nlohmann::json page =
      Call("GET",
           "/v2/contacts/dncs?prefix=1213&fields=items(number,call,"
           "text),totalCount")
          .Json();
  EXPECT_EQ(page, nlohmann::json::parse(R"({"items":[
      {"number":"12132000381","call":true,"text":true},
      {"number":"12132000382","call":true,"text":true},
      {"number":"12132000383","call":true,"text":true}],"totalCount":3})"));
  EXPECT_EQ(Call("GET", "/v2/contacts/dncs?text=false").Json()["totalCount"],
            1);
  EXPECT_EQ(Call("GET",
                 "/v2/contacts/dncs?source=My%20DNC%20list%201&"
                 "number=12132000381&number=14245550100")
                .Json()["totalCount"],
            1);

  nlohmann::json one = Call("GET", "/v2/contacts/dncs/12132000381").Json();
  EXPECT_EQ(one["number"], "12132000381");
  EXPECT_EQ(one["source"], "My DNC list 1");
  EXPECT_TRUE(one.contains("created"));
  ExpectError(Call("GET", "/v2/contacts/dncs/12135559999"), 404,
              "no do-not-contact entry");
  ExpectError(Call("GET", "/v2/contacts/dncs/123"), 400, "number: \"123\"");

  HttpReply changed = Call("PUT", "/v2/contacts/dncs/12132000381",
                           R"( { "call": true, "text": false })");
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.body, "");
  EXPECT_EQ(Call("GET", "/v2/contacts/dncs/12132000381").Json()["text"], false);
  ExpectError(Call("PUT", "/v2/contacts/dncs/12132000381", R"({"txt":1})"), 400,
              "txt: unknown field");

  nlohmann::json universal =
      Call("GET",
           "/v2/contacts/dncs/universals/12132000382?fromNumber=12130021127")
          .Json();
  EXPECT_EQ(universal["items"][0]["toNumber"], "12132000382");
  EXPECT_EQ(universal["items"][0]["outboundText"], true);
  EXPECT_EQ(universal["items"][0]["inboundText"], false);

  HttpReply removed =
      Call("DELETE", "/v2/contacts/dncs/12132000381,12132000382");
  EXPECT_EQ(removed.status, 204);
  EXPECT_EQ(removed.body, "");
  EXPECT_EQ(
      Call("DELETE", "/v2/contacts/dncs/sources/My%20DNC%20list%201").status,
      204);
  EXPECT_EQ(Call("GET", "/v2/contacts/dncs").Json()["totalCount"], 1);
  ExpectError(Call("POST", "/v2/contacts/dncs", R"({"numbers":["1213"]})"), 400,
              "numbers[0]");
}

TEST_F(CallFireApiTest, AnAccountDncSkipsItsNumbersInEveryBroadcast) {
  ASSERT_EQ(Call("POST", "/v2/contacts/dncs",
                 R"({"numbers":["12135551002"],"source":"hotline"})")
                .status,
            200);
  const int64_t id = Create(R"({"message":"hi","recipients":[
      {"phoneNumber":"12135551001"},{"phoneNumber":"12135551002"}]})",
                            "?start=true");
  EXPECT_EQ(WaitFinished(id), "FINISHED");
  nlohmann::json dnc = Call("GET", "/v2/texts?campaignId=1&states=DNC").Json();
  EXPECT_EQ(dnc["totalCount"], 1);
  EXPECT_EQ(dnc["items"][0]["toNumber"], "12135551002");
  EXPECT_EQ(dnc["items"][0]["finalTextResult"], "DNT");
  EXPECT_EQ(Call("GET",
                 "/v2/texts/broadcasts/1/stats?fields=sentCount,"
                 "doNotTextCount")
                .Json(),
            nlohmann::json::parse(R"({"sentCount":1,"doNotTextCount":1})"));
}

TEST_F(CallFireApiTest, AutoRepliesAreKeptFoundAndDeleted) {
  HttpReply created = Call("POST", "/v2/texts/auto-replys",
                           R"( { "number":"67076", "keyword":"CALLFIRE",
                                 "message":"I am a leaf on the wind" } )");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.Json(), nlohmann::json::parse(R"({"id":1})"));
  ASSERT_EQ(Call("POST", "/v2/texts/auto-replys",
                 R"({"number":"19206596476","match":"stop",
                     "message":"You will get no more texts"})")
                .status,
            200);
  EXPECT_EQ(Call("GET", "/v2/texts/auto-replys/1").Json(),
            nlohmann::json::parse(R"({"id":1,"number":"67076",
                "keyword":"CALLFIRE","message":"I am a leaf on the wind"})"));
  nlohmann::json found =
      Call("GET", "/v2/texts/auto-replys?number=19206596476").Json();
  EXPECT_EQ(found["totalCount"], 1);
  EXPECT_EQ(found["items"][0]["match"], "stop");
  EXPECT_EQ(
      Call("GET", "/v2/texts/auto-replys?limit=1&fields=totalCount").Json(),
      nlohmann::json::parse(R"({"totalCount":2})"));
  ExpectError(Call("POST", "/v2/texts/auto-replys", R"({"number":"67076"})"),
              400, "message");
  ExpectError(Call("POST", "/v2/texts/auto-replys",
                   R"({"number":"67076","message":"m","reply":"x"})"),
              400, "reply: unknown field");
  EXPECT_EQ(Call("DELETE", "/v2/texts/auto-replys/1").status, 204);
  ExpectError(Call("GET", "/v2/texts/auto-replys/1"), 404, "no auto-reply 1");
  ExpectError(Call("DELETE", "/v2/texts/auto-replys/1"), 404,
              "no auto-reply 1");
}

// A broadcast through the mock provider, slow enough to add its numbers to
// the do-not-contact list while it runs.
class MidBroadcastDncTest : public CallFireApiTest {
 protected:
  void SetUp() override {
    mock_provider::Options mock;
    mock.log_path = dir_.File("arrived.jsonl");
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> started =
        mock_provider::MockProvider::Start(mock);
    ASSERT_TRUE(started.ok()) << started.status();
    mock_ = *std::move(started);
    // 10 texts a request, one request at a time, 400 texts a second.
    dir_.Write("providers.json",
               absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                            R"("url":"http://127.0.0.1:)", mock_->port(),
                            R"(","username":"u","passwordEnv":"HOME",)",
                            R"("batchSize":10,"maxActive":1,)",
                            R"("messagesPerSecond":400,"burst":10}]})"));
    StartService(dir_.File("providers.json"), "cf");
  }
  void TearDown() override {
    CallFireApiTest::TearDown();
    engine_.reset();
    if (mock_ != nullptr) {
      EXPECT_TRUE(mock_->Stop().ok());
    }
  }

  std::unique_ptr<mock_provider::MockProvider> mock_;
};

TEST_F(MidBroadcastDncTest, NoTextGoesToANumberOnceItsEntryIsAdded) {
  constexpr int kRecipients = 1200;
  std::string recipients;
  std::string numbers;
  for (int i = 0; i < kRecipients; ++i) {
    const std::string number =
        absl::StrCat("1213555", absl::Dec(1000 + i, absl::kZeroPad4));
    absl::StrAppend(&recipients, i == 0 ? "" : ",", R"({"phoneNumber":")",
                    number, R"("})");
    absl::StrAppend(&numbers, i == 0 ? "" : ",", "\"", number, "\"");
  }
  const int64_t id = Create(
      absl::StrCat(R"({"message":"hi","recipients":[)", recipients, "]}"),
      "?start=true");
  ASSERT_EQ(id, 1);
  while (mock_->stats().accepted < 100) absl::SleepFor(absl::Milliseconds(5));
  // Every recipient opts out at once, while the broadcast runs.
  HttpReply added = Call("POST", "/v2/contacts/dncs",
                         absl::StrCat(R"({"numbers":[)", numbers, "]}"));
  ASSERT_EQ(added.status, 200) << added.body;
  const int64_t requests_at_return = mock_->stats().texts_requests;
  EXPECT_EQ(WaitFinished(id), "FINISHED");

  // At most the one request in flight (10 texts) arrives after the call.
  EXPECT_LE(mock_->stats().texts_requests - requests_at_return, 1);
  ASSERT_TRUE(mock_->Stop().ok());  // its log written out
  const int64_t arrived = mock_->stats().accepted;
  EXPECT_LT(arrived, kRecipients / 2);
  nlohmann::json stats = Call("GET",
                              "/v2/texts/broadcasts/1/stats?fields=sentCount,"
                              "doNotTextCount,totalCount")
                             .Json();
  EXPECT_EQ(stats["sentCount"], arrived);
  EXPECT_EQ(stats["doNotTextCount"], kRecipients - arrived);
  EXPECT_EQ(stats["totalCount"], kRecipients);
}

}  // namespace
}  // namespace herald
