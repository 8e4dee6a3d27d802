// The account's webhooks over CallFire's API: their routes and shapes, and
// their events delivered, signed, to the mock provider's receiver: each
// text's Finished once, the broadcast's Started and Finished, through an
// endpoint that is down and a restart of the server.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/api_test_fixture.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "webhook-s3cr3t-Pa55";
// Bounds every wait, so that a broken lane fails a test instead of hanging.
constexpr absl::Duration kPatience = absl::Seconds(30);

// The seeds' example, pointed at `callback`.
std::string SeedWebhook(absl::string_view resource, absl::string_view events,
                        absl::string_view callback) {
  return absl::StrCat(R"({"name":"inbound sms webhook","resource":")", resource,
                      R"(","events":)", events, R"(,"callback":")", callback,
                      R"("})");
}

class WebhookApiTest : public CallFireApiTest {
 protected:
  void SetUp() override {
    webhook_secret_ = kSecret;
    mock_provider::Options options;
    options.hook_secret = kSecret;
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
        mock_provider::MockProvider::Start(options);
    ASSERT_TRUE(mock.ok()) << mock.status();
    mock_ = *std::move(mock);
    StartService("", "");
  }

  std::string Receiver() const {
    return absl::StrCat("http://127.0.0.1:", mock_->port(), "/hooks");
  }

  int64_t CreateWebhook(absl::string_view body) {
    HttpReply reply = Call("POST", "/v2/webhooks", body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    json answer = reply.Json();
    return answer.contains("id") ? answer["id"].get<int64_t>() : 0;
  }

  // The events the receiver accepted, each with its envelope's webhookId.
  std::vector<json> AcceptedEvents() const {
    std::vector<json> events;
    for (const mock_provider::HookRequest& r : mock_->hook_requests()) {
      if (r.status != 200) continue;
      const json envelope = json::parse(r.body);
      for (json event : envelope["events"]) {
        event["envelopeWebhookId"] = envelope["webhookId"];
        event["envelopeResourceType"] = envelope["resourceType"];
        events.push_back(std::move(event));
      }
    }
    return events;
  }

  // Waits until the receiver has accepted `count` events.
  std::vector<json> WaitForEvents(size_t count) {
    const absl::Time deadline = absl::Now() + kPatience;
    std::vector<json> events = AcceptedEvents();
    while (events.size() < count && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
      events = AcceptedEvents();
    }
    EXPECT_GE(events.size(), count);
    return events;
  }

  // The API ids of the broadcast's texts.
  std::set<int64_t> TextIds(int64_t broadcast) {
    HttpReply reply =
        Call("GET", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/texts"));
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::set<int64_t> ids;
    const json page = reply.Json();
    for (const json& text : page["items"]) {
      ids.insert(text["id"].get<int64_t>());
    }
    return ids;
  }

  std::unique_ptr<mock_provider::MockProvider> mock_;
};

constexpr char kThreeRecipients[] =
    R"({"name":"Gala","message":"Hello ${name}","recipients":[
         {"phoneNumber":"12135551001","attributes":{"name":"Ann"}},
         {"phoneNumber":"12135551002","attributes":{"name":"Bob"}},
         {"phoneNumber":"12135551003","attributes":{"name":"Cy"}}]})";

TEST_F(WebhookApiTest, TheSeedsExampleIsMadeReadAndListed) {
  const int64_t id =
      CreateWebhook(SeedWebhook("OutboundText", R"(["Finished"])", Receiver()));
  ASSERT_GT(id, 0);
  HttpReply got = Call("GET", absl::StrCat("/v2/webhooks/", id));
  ASSERT_EQ(got.status, 200) << got.body;
  const json webhook = got.Json();
  EXPECT_EQ(webhook["id"], id);
  EXPECT_EQ(webhook["name"], "inbound sms webhook");
  EXPECT_EQ(webhook["resource"], "OutboundText");
  EXPECT_EQ(webhook["events"], json::array({"Finished"}));
  EXPECT_EQ(webhook["callback"], Receiver());
  EXPECT_EQ(webhook["enabled"], true);
  EXPECT_EQ(webhook["singleEvent"], false);
  EXPECT_GT(webhook["createdAt"].get<int64_t>(), 0);
  EXPECT_FALSE(webhook.contains("secret"));

  const int64_t second = CreateWebhook(
      SeedWebhook("TextBroadcast", R"(["Started","Finished"])", Receiver()));
  HttpReply all = Call("GET", "/v2/webhooks?resource=TextBroadcast");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json()["totalCount"], 1);
  EXPECT_EQ(all.Json()["items"][0]["id"], second);
  HttpReply by_event =
      Call("GET", "/v2/webhooks?event=Finished&fields=items(id)");
  ASSERT_EQ(by_event.status, 200) << by_event.body;
  EXPECT_EQ(
      by_event.Json()["items"],
      json::parse(absl::StrCat(R"([{"id":)", id, R"(},{"id":)", second, "}]")));
  HttpReply by_enabled = Call("GET", "/v2/webhooks?enabled=false");
  EXPECT_EQ(by_enabled.Json()["totalCount"], 0) << by_enabled.body;
}

TEST_F(WebhookApiTest, APutChangesOnlyWhatItGives) {
  const int64_t id =
      CreateWebhook(SeedWebhook("TextBroadcast", R"(["Started"])", Receiver()));
  HttpReply put = Call("PUT", absl::StrCat("/v2/webhooks/", id),
                       R"({"events":["Started","Stopped"],"enabled":"false"})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body, "");
  const json webhook = Call("GET", absl::StrCat("/v2/webhooks/", id)).Json();
  EXPECT_EQ(webhook["events"], json::array({"Started", "Stopped"}));
  EXPECT_EQ(webhook["enabled"], false);
  EXPECT_EQ(webhook["name"], "inbound sms webhook");
  EXPECT_EQ(webhook["callback"], Receiver());

  ExpectError(Call("PUT", absl::StrCat("/v2/webhooks/", id),
                   R"({"events":["Finished","Sent"]})"),
              400,
              "events[1]: TextBroadcast has the events Started, Stopped, "
              "Finished, not \"Sent\"");
}

TEST_F(WebhookApiTest, ADeleteAnswers204AndTheIdIsGone) {
  const int64_t id =
      CreateWebhook(SeedWebhook("OutboundText", R"(["Finished"])", Receiver()));
  HttpReply deleted = Call("DELETE", absl::StrCat("/v2/webhooks/", id));
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  ExpectError(Call("GET", absl::StrCat("/v2/webhooks/", id)), 404,
              absl::StrCat("no webhook ", id));
  ExpectError(Call("DELETE", absl::StrCat("/v2/webhooks/", id)), 404,
              "no webhook");
  // Ids are never given again.
  const int64_t next =
      CreateWebhook(SeedWebhook("OutboundText", R"(["Finished"])", Receiver()));
  EXPECT_GT(next, id);
}

TEST_F(WebhookApiTest, MistakesAreNamed) {
  const std::string ok_callback = Receiver();
  ExpectError(Call("POST", "/v2/webhooks",
                   SeedWebhook("InboundCall", R"(["Finished"])", ok_callback)),
              400, "resource: expected one of OutboundText, TextBroadcast");
  ExpectError(Call("POST", "/v2/webhooks",
                   SeedWebhook("OutboundText", R"([])", ok_callback)),
              400, "events: a webhook needs at least one of Finished");
  ExpectError(Call("POST", "/v2/webhooks",
                   SeedWebhook("OutboundText", R"(["Finished","Finished"])",
                               ok_callback)),
              400, "events[1]: \"Finished\" is given twice");
  ExpectError(Call("POST", "/v2/webhooks",
                   SeedWebhook("OutboundText", R"(["Finished"])",
                               "ftp://example.com/x")),
              400, "callback: must start with http:// or https://");
  HttpReply with_password =
      Call("POST", "/v2/webhooks",
           SeedWebhook("OutboundText", R"(["Finished"])",
                       "https://user:hunter2@example.com/x"));
  ExpectError(with_password, 400, "callback: must not carry credentials");
  EXPECT_THAT(with_password.body, Not(HasSubstr("hunter2")));
  ExpectError(Call("POST", "/v2/webhooks",
                   R"({"name":"x","resource":"OutboundText",
                       "events":["Finished"],"callback":"http://h/",
                       "secret":"mine"})"),
              400, "request body: secret: herald signs every webhook");
  ExpectError(Call("POST", "/v2/webhooks",
                   R"({"name":"x","resource":"OutboundText",
                       "events":["Finished"],"callback":"http://h/",
                       "colour":"red"})"),
              400, "colour");
  ExpectError(Call("POST", "/v2/webhooks",
                   R"({"resource":"OutboundText","events":["Finished"],
                       "callback":"http://h/"})"),
              400, "name: give it");
  ExpectError(Call("POST", "/v2/webhooks",
                   R"({"name":"x","resource":"OutboundText",
                       "events":["Finished"],"callback":"http://h/",
                       "fields":"a(b"})"),
              400, "fields:");
  ExpectError(Call("POST", "/v2/webhooks", "{\"name\": "), 400, "request body");
  ExpectError(Call("GET", "/v2/webhooks/abc"), 400, "webhook");
  EXPECT_EQ(Call("GET", "/v2/webhooks").Json()["totalCount"], 0);
}

TEST_F(WebhookApiTest, TheResourcesAreListed) {
  HttpReply all = Call("GET", "/v2/webhooks/resources");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json(), json::parse(R"({"items":[
      {"resource":"OutboundText","supportedEvents":["Finished"]},
      {"resource":"TextBroadcast",
       "supportedEvents":["Started","Stopped","Finished"]}]})"));
  HttpReply one = Call("GET", "/v2/webhooks/resources/TextBroadcast");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json()["supportedEvents"].size(), 3u);
  ExpectError(Call("GET", "/v2/webhooks/resources/Voicemail"), 404,
              "no webhook resource \"Voicemail\"");
}

TEST_F(WebhookApiTest, EveryTextAndTheBroadcastArriveSignedOnce) {
  const int64_t texts =
      CreateWebhook(SeedWebhook("OutboundText", R"(["Finished"])", Receiver()));
  const int64_t broadcasts = CreateWebhook(
      SeedWebhook("TextBroadcast", R"(["Started","Finished"])", Receiver()));
  const int64_t id = Create(kThreeRecipients, "?start=true");
  EXPECT_EQ(WaitFinished(id), "FINISHED");
  const std::vector<json> events = WaitForEvents(5);
  // The receiver checked every signature with the secret (401 otherwise).
  for (const mock_provider::HookRequest& r : mock_->hook_requests()) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_THAT(r.signature, HasSubstr("v1="));
    EXPECT_THAT(r.body, Not(HasSubstr(kSecret)));
  }
  std::multiset<int64_t> text_ids;
  std::vector<std::string> broadcast_events;
  for (const json& event : events) {
    EXPECT_EQ(event["webhookId"], event["envelopeWebhookId"]);
    EXPECT_EQ(event["resourceType"], event["envelopeResourceType"]);
    if (event["resourceType"] == "OutboundText") {
      EXPECT_EQ(event["webhookId"], texts);
      EXPECT_EQ(event["eventType"], "Finished");
      const json& text = event["resource"];
      EXPECT_EQ(text["state"], "FINISHED");
      EXPECT_EQ(text["finalTextResult"], "SENT");
      EXPECT_EQ(text["campaignId"], id);
      EXPECT_THAT(text["message"].get<std::string>(), HasSubstr("Hello "));
      text_ids.insert(text["id"].get<int64_t>());
    } else {
      EXPECT_EQ(event["webhookId"], broadcasts);
      EXPECT_EQ(event["resource"]["id"], id);
      EXPECT_EQ(event["resource"]["name"], "Gala");
      broadcast_events.push_back(
          absl::StrCat(event["eventType"].get<std::string>(), ":",
                       event["resource"]["status"].get<std::string>()));
    }
  }
  const std::set<int64_t> expected = TextIds(id);
  EXPECT_EQ(expected.size(), 3u);
  EXPECT_EQ(std::set<int64_t>(text_ids.begin(), text_ids.end()), expected);
  EXPECT_EQ(text_ids.size(), 3u) << "a text's event came twice";
  EXPECT_EQ(broadcast_events,
            (std::vector<std::string>{"Started:RUNNING", "Finished:FINISHED"}));
}

TEST_F(WebhookApiTest, FieldsAndSingleEventShapeTheRequests) {
  CreateWebhook(absl::StrCat(
      R"({"name":"ids only","resource":"OutboundText","events":["Finished"],)",
      R"("singleEvent":true,"fields":"id,toNumber","callback":")", Receiver(),
      R"("})"));
  const int64_t id = Create(kThreeRecipients, "?start=true");
  EXPECT_EQ(WaitFinished(id), "FINISHED");
  WaitForEvents(3);
  const std::vector<mock_provider::HookRequest> requests =
      mock_->hook_requests();
  EXPECT_EQ(requests.size(), 3u);
  for (const mock_provider::HookRequest& r : requests) {
    const json envelope = json::parse(r.body);
    ASSERT_EQ(envelope["events"].size(), 1u) << r.body;
    const json& resource = envelope["events"][0]["resource"];
    EXPECT_EQ(resource.size(), 2u) << resource;
    EXPECT_TRUE(resource.contains("id"));
    EXPECT_TRUE(resource.contains("toNumber"));
  }
}

TEST_F(WebhookApiTest, EventsWaitForADeadEndpointAcrossARestart) {
  // A port nobody listens on: every request is refused.
  std::unique_ptr<mock_provider::MockProvider> gone;
  {
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> started =
        mock_provider::MockProvider::Start({});
    ASSERT_TRUE(started.ok()) << started.status();
    gone = *std::move(started);
  }
  const std::string dead =
      absl::StrCat("http://127.0.0.1:", gone->port(), "/hooks");
  ASSERT_TRUE(gone->Stop().ok());
  const int64_t hook =
      CreateWebhook(SeedWebhook("OutboundText", R"(["Finished"])", dead));
  const int64_t id = Create(kThreeRecipients, "?start=true");
  EXPECT_EQ(WaitFinished(id), "FINISHED");
  // The lane moves them to the outbox, where they wait.
  const absl::Time moved_by = absl::Now() + kPatience;
  while (engine_->CountWebhookEvents(hook).value_or(0) < 3 &&
         absl::Now() < moved_by) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(engine_->CountWebhookEvents(hook).value_or(0), 3u);

  StopService();
  StartService("", "");
  HttpReply moved = Call("PUT", absl::StrCat("/v2/webhooks/", hook),
                         absl::StrCat(R"({"callback":")", Receiver(), "\"}"));
  ASSERT_EQ(moved.status, 200) << moved.body;
  const std::vector<json> events = WaitForEvents(3);
  std::set<int64_t> ids;
  for (const json& event : events)
    ids.insert(event["resource"]["id"].get<int64_t>());
  EXPECT_EQ(ids, TextIds(id));
  const absl::Time deadline = absl::Now() + kPatience;
  while (engine_->CountWebhookEvents(hook).value_or(1) != 0 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(engine_->CountWebhookEvents(hook).value_or(1), 0u);
}

TEST_F(WebhookApiTest, ADisabledWebhookGetsNothing) {
  const int64_t off = CreateWebhook(absl::StrCat(
      R"({"name":"off","resource":"OutboundText","events":["Finished"],)",
      R"("enabled":false,"callback":")", Receiver(), R"("})"));
  const int64_t on = CreateWebhook(
      SeedWebhook("TextBroadcast", R"(["Finished"])", Receiver()));
  const int64_t id = Create(kThreeRecipients, "?start=true");
  EXPECT_EQ(WaitFinished(id), "FINISHED");
  const std::vector<json> events = WaitForEvents(1);
  ASSERT_EQ(events.size(), 1u) << json(events).dump();
  EXPECT_EQ(events[0]["webhookId"], on);
  EXPECT_EQ(events[0]["resource"]["id"], id);
  EXPECT_EQ(engine_->CountWebhookEvents(off).value_or(1), 0u);
  // Enabled again, it gets the next broadcast's texts.
  ASSERT_EQ(
      Call("PUT", absl::StrCat("/v2/webhooks/", off), R"({"enabled":true})")
          .status,
      200);
  const int64_t next = Create(kThreeRecipients, "?start=true");
  EXPECT_EQ(WaitFinished(next), "FINISHED");
  const std::vector<json> after = WaitForEvents(5);
  int texts = 0;
  for (const json& event : after) {
    if (event["webhookId"] != off) continue;
    ++texts;
    EXPECT_EQ(event["resource"]["campaignId"], next);
  }
  EXPECT_EQ(texts, 3);
}

class UnsignedWebhookApiTest : public CallFireApiTest {};

TEST_F(UnsignedWebhookApiTest, WithoutASecretNoWebhookIsMade) {
  ExpectError(Call("POST", "/v2/webhooks",
                   SeedWebhook("OutboundText", R"(["Finished"])",
                               "http://127.0.0.1:9/hooks")),
              400, "this server has no signing secret");
  HttpReply listed = Call("GET", "/v2/webhooks");
  EXPECT_EQ(listed.status, 200) << listed.body;
}

}  // namespace
}  // namespace herald
