// The API's account-wide ways in, over real HTTP: ad-hoc texts through
// CallFire's default campaign (POST /v2/texts) and contact lists made of
// JSON contacts, used as batches.
#include <string>

#include "engine/service/api_ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/service/api_test_fixture.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kTextsPerBroadcast = kApiTextBroadcastFactor;

class AdHocApiTest : public CallFireApiTest {
 protected:
  // The texts of `query` once `count` of them are FINISHED (30 s at most).
  nlohmann::json FinishedTexts(absl::string_view query, size_t count) {
    nlohmann::json page;
    for (int i = 0; i < 300; ++i) {
      page =
          Call("GET", absl::StrCat("/v2/texts?states=FINISHED&", query)).Json();
      if (page["items"].size() >= count) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return page;
  }
};

// The seeds' POST /v2/texts example (its contactId aside: herald keeps no
// contacts), with defaultMessage for the recipient without a message.
TEST_F(AdHocApiTest, TextsGoThroughTheDefaultCampaignAsTheSeedsShow) {
  const char* kTexts = R"( [
      { "phoneNumber":"12135551122", "message":"Hello World!" },
      { "phoneNumber":"12135558090",
        "attributes": { "custom_external_id": 30005044, "custom_name": "Alice" },
        "message": "Hello, ${custom_name}!" },
      { "phoneNumber":"12135551100" } ])";
  ExpectError(Call("POST", "/v2/texts", R"([{"contactId":122460000043}])"), 400,
              "contactId");
  ExpectError(Call("POST", "/v2/texts", kTexts), 400,
              "[2]: no message: give the recipient's message or the "
              "defaultMessage");
  HttpReply sent = Call("POST", "/v2/texts?defaultMessage=Hello!", kTexts);
  ASSERT_EQ(sent.status, 200) << sent.body;
  nlohmann::json items = sent.Json()["items"];
  ASSERT_EQ(items.size(), 3u);
  for (const nlohmann::json& text : items) {
    EXPECT_EQ(text["state"], "READY");
    EXPECT_EQ(text["campaignId"], 0);
    EXPECT_EQ(text["fromNumber"], "67076");
    EXPECT_EQ(text["inbound"], false);
  }
  EXPECT_EQ(items[0]["message"], "Hello World!");
  EXPECT_EQ(items[2]["message"], "Hello!");
  EXPECT_EQ(items[1]["attributes"]["custom_name"], "Alice");

  nlohmann::json done = FinishedTexts("campaignId=0", 3);
  ASSERT_EQ(done["items"].size(), 3u) << done;
  EXPECT_EQ(done["items"][1]["message"], "Hello, Alice!");
  EXPECT_EQ(done["items"][1]["campaignId"], 0);
  const int64_t first_id = items[0]["id"].get<int64_t>();
  nlohmann::json one = Call("GET", absl::StrCat("/v2/texts/", first_id)).Json();
  EXPECT_EQ(one["campaignId"], 0);
  EXPECT_EQ(one["message"], "Hello World!");

  // The next texts go through the same campaign, which is no broadcast.
  HttpReply again = Call("POST", "/v2/texts",
                         R"([{"phoneNumber":"12135551101",)"
                         R"("message":"Testing 1 2 3"}])");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["items"][0]["id"].get<int64_t>() / kTextsPerBroadcast,
            first_id / kTextsPerBroadcast);
  EXPECT_EQ(FinishedTexts("campaignId=0", 4)["totalCount"], 4);
  EXPECT_EQ(Call("GET", "/v2/texts/broadcasts").Json()["totalCount"], 0);

  // campaignId: through a broadcast made before, with its message.
  const int64_t broadcast =
      Create(R"({"name":"later","message":"Hi from the choir",)"
             R"("recipients":[{"phoneNumber":"12135551001"}]})");
  HttpReply through =
      Call("POST", absl::StrCat("/v2/texts?campaignId=", broadcast),
           R"([{"phoneNumber":"12135551002"}])");
  ASSERT_EQ(through.status, 200) << through.body;
  EXPECT_EQ(through.Json()["items"][0]["campaignId"], broadcast);
  EXPECT_EQ(
      Call("GET", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/batches"))
          .Json()["totalCount"],
      2);
  ExpectError(Call("POST", "/v2/texts?campaignId=99",
                   R"([{"phoneNumber":"12135551002"}])"),
              404, "99");
}

// A stopped default campaign takes no more texts: the next go through a
// new one, and the campaign's texts are found together.
TEST_F(AdHocApiTest, TheDefaultCampaignGoesOnWhenItsBroadcastIsStopped) {
  HttpReply first = Call("POST", "/v2/texts",
                         R"([{"phoneNumber":"12135551122","message":"a"}])");
  ASSERT_EQ(first.status, 200) << first.body;
  const int64_t broadcast =
      first.Json()["items"][0]["id"].get<int64_t>() / kTextsPerBroadcast;
  ASSERT_EQ(FinishedTexts("campaignId=0", 1)["totalCount"], 1);
  ASSERT_EQ(
      Call("POST", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/stop"))
          .status,
      200);
  HttpReply second = Call("POST", "/v2/texts",
                          R"([{"phoneNumber":"12135551123","message":"b"}])");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_NE(second.Json()["items"][0]["id"].get<int64_t>() / kTextsPerBroadcast,
            broadcast);
  nlohmann::json both = FinishedTexts("campaignId=0", 2);
  EXPECT_EQ(both["totalCount"], 2);
}

TEST_F(AdHocApiTest, AListOfJsonContactsIsABatch) {
  HttpReply made = Call("POST", "/v2/contacts/lists", R"( {
      "name":"My Contact List",
      "contacts": [
        { "firstName": "Alice", "lastName": "Moore", "homePhone": "12135551126" },
        { "firstName": "Bob", "lastName": "Smith", "homePhone": 12135551127,
          "properties": { "age": 30 } } ] })");
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(made.Json()["id"], 1);
  HttpReply numbers = Call("POST", "/v2/contacts/lists", R"( {
      "name":"Numbers", "contactNumbers": [ "12132212384", "12136612355" ],
      contactNumbersField: "workPhone" })");
  EXPECT_EQ(numbers.status, 400) << "an unquoted key is not JSON";
  numbers = Call("POST", "/v2/contacts/lists", R"( {
      "name":"Numbers", "contactNumbers": [ "12132212384", "12136612355" ],
      "contactNumbersField": "workPhone" })");
  ASSERT_EQ(numbers.status, 200) << numbers.body;

  nlohmann::json items =
      Call("GET",
           "/v2/contacts/lists/1/items?fields=items(firstName,"
           "homePhone,properties)")
          .Json();
  EXPECT_EQ(items, nlohmann::json::parse(R"({"items":[
      {"firstName":"Alice","homePhone":"12135551126"},
      {"firstName":"Bob","homePhone":"12135551127","properties":{"age":"30"}}]})"));
  EXPECT_EQ(
      Call("GET", "/v2/contacts/lists/2/items").Json()["items"][1]["workPhone"],
      "12136612355");
  nlohmann::json lists =
      Call("GET",
           "/v2/contacts/lists?name=CONTACT%20list&fields=items(id,name,"
           "size,status)")
          .Json();
  EXPECT_EQ(lists, nlohmann::json::parse(R"({"items":[
      {"id":1,"name":"My Contact List","size":2,"status":"ACTIVE"}]})"));
  EXPECT_EQ(
      Call("PUT", "/v2/contacts/lists/1", R"({"name":"contact list updated"})")
          .status,
      200);
  EXPECT_EQ(Call("GET", "/v2/contacts/lists/1").Json()["name"],
            "contact list updated");

  ExpectError(Call("POST", "/v2/contacts/lists",
                   R"({"name":"x","contactIds":[800634185003]})"),
              400, "contactIds");
  ExpectError(Call("POST", "/v2/contacts/lists",
                   R"({"name":"x","contacts":[{"firstName":"NoPhone"}]})"),
              400, "contacts[0]: a contact needs a number");
  ExpectError(Call("POST", "/v2/contacts/lists",
                   R"({"name":"x","contacts":[{"homePhone":"1","fax":"2"}]})"),
              400, "contacts[0].fax: unknown field");
  ExpectError(Call("GET", "/v2/contacts/lists/77"), 404, "no contact list 77");

  const int64_t broadcast =
      Create(R"({"name":"list","message":"Hi ${firstName}"})");
  HttpReply batch =
      Call("POST", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/batches"),
           R"({"contactListId":1,"scrubDuplicates":true})");
  ASSERT_EQ(batch.status, 200) << batch.body;
  ExpectError(
      Call("POST", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/batches"),
           R"({"contactListId":77})"),
      404, "no contact list 77");
  ExpectError(
      Call("POST", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/batches"),
           R"({"contactListId":1,"recipients":[{"phoneNumber":"1"}]})"),
      400, "not both");
  ASSERT_EQ(
      Call("POST", absl::StrCat("/v2/texts/broadcasts/", broadcast, "/start"))
          .status,
      200);
  EXPECT_EQ(WaitFinished(broadcast), "FINISHED");
  nlohmann::json texts =
      Call("GET", absl::StrCat("/v2/texts/broadcasts/", broadcast,
                               "/texts?fields=items(message)"))
          .Json();
  EXPECT_EQ(texts,
            nlohmann::json::parse(
                R"({"items":[{"message":"Hi Alice"},{"message":"Hi Bob"}]})"));
}

}  // namespace
}  // namespace herald
