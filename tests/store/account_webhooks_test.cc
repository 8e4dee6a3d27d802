// The account's webhooks and their outbox over a real account.db.
#include "engine/store/account_webhooks.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromUnixMillis(1443390407000);

Webhook TextsWebhook(std::string name = "texts") {
  Webhook w;
  w.name = std::move(name);
  w.resource = "OutboundText";
  w.events = {"Finished"};
  w.callback = "https://hooks.example.com/herald?token=abc";
  return w;
}

Webhook BroadcastWebhook(std::vector<std::string> events) {
  Webhook w;
  w.name = "broadcasts";
  w.resource = "TextBroadcast";
  w.events = std::move(events);
  w.callback = "http://127.0.0.1:8080/hooks";
  return w;
}

WebhookEvent TextEvent(uint64_t text, absl::Time at = kNow) {
  WebhookEvent e;
  e.resource = "OutboundText";
  e.event = "Finished";
  e.at = at;
  e.text = text;
  return e;
}

WebhookEvent StatusEvent(absl::string_view event, absl::string_view status) {
  WebhookEvent e;
  e.resource = "TextBroadcast";
  e.event = std::string(event);
  e.at = kNow;
  e.status = std::string(status);
  return e;
}

class AccountWebhooksTest : public ::testing::Test {
 protected:
  AccountWebhooksTest()
      : db_(dir_.File("account.db"), false, ""), hooks_(&db_) {}

  WebhookId Create(const Webhook& w) {
    absl::StatusOr<WebhookId> id = hooks_.Create(w, kNow);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }

  std::vector<uint64_t> PendingTexts(WebhookId id) {
    absl::StatusOr<std::vector<WebhookEvent>> events = hooks_.Pending(id, 100);
    EXPECT_TRUE(events.ok()) << events.status();
    std::vector<uint64_t> texts;
    for (const WebhookEvent& e : events.value_or(std::vector<WebhookEvent>{})) {
      texts.push_back(e.text);
    }
    return texts;
  }

  TempDir dir_;
  AccountDb db_;
  AccountWebhooks hooks_;
};

TEST_F(AccountWebhooksTest, KeepsWhatItIsGiven) {
  Webhook w = TextsWebhook();
  w.single_event = true;
  w.fields = "id,toNumber";
  const WebhookId id = Create(w);
  absl::StatusOr<Webhook> got = hooks_.Get(id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->name, "texts");
  EXPECT_EQ(got->resource, "OutboundText");
  EXPECT_EQ(got->events, std::vector<std::string>{"Finished"});
  EXPECT_EQ(got->callback, w.callback);
  EXPECT_TRUE(got->enabled);
  EXPECT_TRUE(got->single_event);
  EXPECT_EQ(got->fields, "id,toNumber");
  EXPECT_EQ(got->created, kNow);
  EXPECT_EQ(got->updated, kNow);

  got->enabled = false;
  got->events = {"Finished"};
  ASSERT_TRUE(hooks_.Update(*got, kNow + absl::Seconds(5)).ok());
  absl::StatusOr<Webhook> updated = hooks_.Get(id);
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE(updated->enabled);
  EXPECT_EQ(updated->created, kNow);
  EXPECT_EQ(updated->updated, kNow + absl::Seconds(5));
}

TEST_F(AccountWebhooksTest, RefusesAWebhookThatCannotWork) {
  auto error_of = [&](Webhook w) {
    absl::StatusOr<WebhookId> id = hooks_.Create(w, kNow);
    EXPECT_FALSE(id.ok());
    return std::string(id.status().message());
  };
  Webhook w = TextsWebhook("");
  EXPECT_THAT(error_of(w), HasSubstr("name: a webhook needs a name"));
  w = TextsWebhook();
  w.resource = "InboundText";
  EXPECT_THAT(error_of(w), HasSubstr("resource: expected one of OutboundText, "
                                     "TextBroadcast, got \"InboundText\""));
  w = BroadcastWebhook({});
  EXPECT_THAT(error_of(w), HasSubstr("events: a webhook needs at least one of "
                                     "Started, Stopped, Finished"));
  w = BroadcastWebhook({"Started", "Sent"});
  EXPECT_THAT(error_of(w),
              HasSubstr("events[1]: TextBroadcast has the events"));
  w = TextsWebhook();
  w.callback = "https://me:secret@example.com/";
  const std::string credentials = error_of(w);
  EXPECT_THAT(credentials, HasSubstr("callback: must not carry credentials"));
  EXPECT_THAT(credentials, Not(HasSubstr("secret@")));
  w.callback = "mailto:someone@example.com";
  EXPECT_THAT(error_of(w), HasSubstr("callback: must start with http://"));
  w = TextsWebhook();
  w.fields = "items(id";
  EXPECT_THAT(error_of(w), HasSubstr("fields: "));
  absl::StatusOr<WebhookPage> page = hooks_.Find({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_count, 0u);
}

TEST_F(AccountWebhooksTest, AnAccountKeepsABoundedNumber) {
  for (int i = 0; i < AccountWebhooks::kMaxWebhooks; ++i)
    Create(TextsWebhook());
  absl::StatusOr<WebhookId> one_more = hooks_.Create(TextsWebhook(), kNow);
  EXPECT_EQ(one_more.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(one_more.status().message(), HasSubstr("at most 64 webhooks"));
}

TEST_F(AccountWebhooksTest, FindsByEveryFilter) {
  const WebhookId texts = Create(TextsWebhook());
  Webhook off = BroadcastWebhook({"Started", "Finished"});
  off.enabled = false;
  const WebhookId broadcasts = Create(off);
  auto ids = [&](WebhookQuery query) {
    absl::StatusOr<WebhookPage> page = hooks_.Find(query);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<WebhookId> out;
    for (const Webhook& w : page.value_or(WebhookPage{}).items) {
      out.push_back(w.id);
    }
    return out;
  };
  WebhookQuery query;
  EXPECT_EQ(ids(query), (std::vector<WebhookId>{texts, broadcasts}));
  query.event = "Finished";
  EXPECT_EQ(ids(query), (std::vector<WebhookId>{texts, broadcasts}));
  query.event = "Started";
  EXPECT_EQ(ids(query), (std::vector<WebhookId>{broadcasts}));
  query.event = "Start";  // a part of a name is no event
  EXPECT_TRUE(ids(query).empty());
  query = {};
  query.enabled = true;
  EXPECT_EQ(ids(query), (std::vector<WebhookId>{texts}));
  query = {};
  query.name = "broadcasts";
  query.resource = "TextBroadcast";
  EXPECT_EQ(ids(query), (std::vector<WebhookId>{broadcasts}));
  query = {};
  query.callback = "http://127.0.0.1:8080/hooks";
  EXPECT_EQ(ids(query), (std::vector<WebhookId>{broadcasts}));
  query = {};
  query.offset = 1;
  query.limit = 5;
  EXPECT_EQ(ids(query), (std::vector<WebhookId>{broadcasts}));
  query.limit = 1001;
  EXPECT_FALSE(hooks_.Find(query).ok());
}

TEST_F(AccountWebhooksTest, QueuesAnEventForEveryEnabledWatcherInOrder) {
  const WebhookId first = Create(TextsWebhook("first"));
  const WebhookId second = Create(TextsWebhook("second"));
  Webhook off = TextsWebhook("off");
  off.enabled = false;
  const WebhookId disabled = Create(off);
  const WebhookId other = Create(BroadcastWebhook({"Finished"}));
  ASSERT_TRUE(hooks_.EnqueueFeed(1, 40, {TextEvent(11), TextEvent(12)}).ok());
  ASSERT_TRUE(hooks_.EnqueueFeed(2, 7, {TextEvent(21)}).ok());
  EXPECT_EQ(hooks_.FeedMark(1).value_or(0), 40);
  EXPECT_EQ(hooks_.FeedMark(2).value_or(0), 7);
  EXPECT_EQ(hooks_.FeedMark(3).value_or(-1), 0);
  EXPECT_EQ(PendingTexts(first), (std::vector<uint64_t>{11, 12, 21}));
  EXPECT_EQ(PendingTexts(second), (std::vector<uint64_t>{11, 12, 21}));
  EXPECT_TRUE(PendingTexts(disabled).empty());
  EXPECT_TRUE(PendingTexts(other).empty());

  absl::StatusOr<std::vector<WebhookEvent>> two = hooks_.Pending(first, 2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].broadcast, 1);
  EXPECT_EQ((*two)[1].at, kNow);
  ASSERT_TRUE(hooks_.Delivered(first, (*two)[1].seq).ok());
  EXPECT_EQ(PendingTexts(first), (std::vector<uint64_t>{21}));
  EXPECT_EQ(hooks_.CountPending(first).value_or(99), 1u);
  EXPECT_EQ(hooks_.CountPending(second).value_or(99), 3u);

  // A webhook's events go with it; the others' stay.
  ASSERT_TRUE(hooks_.Delete(second).ok());
  EXPECT_EQ(hooks_.CountPending(second).value_or(99), 0u);
  EXPECT_EQ(hooks_.CountPending(first).value_or(99), 1u);
  EXPECT_EQ(hooks_.Delete(second).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(hooks_.Watched("OutboundText", "Finished").value_or(false));
  ASSERT_TRUE(hooks_.Delete(first).ok());
  EXPECT_FALSE(hooks_.Watched("OutboundText", "Finished").value_or(true));
}

TEST_F(AccountWebhooksTest, AWebhookGetsOnlyWhatHappensOnceItIsMade) {
  const WebhookId id = Create(TextsWebhook());
  ASSERT_TRUE(hooks_
                  .EnqueueFeed(1, 3,
                               {TextEvent(1, kNow - absl::Milliseconds(1)),
                                TextEvent(2, kNow),
                                TextEvent(3, kNow + absl::Seconds(1))})
                  .ok());
  EXPECT_EQ(PendingTexts(id), (std::vector<uint64_t>{2, 3}));
}

TEST_F(AccountWebhooksTest, AChangedWebhookForgetsWhatItNoLongerWatches) {
  const WebhookId id = Create(BroadcastWebhook({"Started", "Stopped"}));
  ASSERT_TRUE(hooks_
                  .EnqueueFeed(5, 2,
                               {StatusEvent("Started", "RUNNING"),
                                StatusEvent("Stopped", "STOPPED"),
                                StatusEvent("Finished", "FINISHED")})
                  .ok());
  auto pending = [&] {
    std::vector<std::string> out;
    for (const WebhookEvent& e :
         hooks_.Pending(id, 100).value_or(std::vector<WebhookEvent>{})) {
      out.push_back(absl::StrCat(e.resource, ":", e.event, ":", e.status, ":",
                                 e.broadcast));
    }
    return out;
  };
  EXPECT_EQ(pending(),
            (std::vector<std::string>{"TextBroadcast:Started:RUNNING:5",
                                      "TextBroadcast:Stopped:STOPPED:5"}));
  absl::StatusOr<Webhook> webhook = hooks_.Get(id);
  ASSERT_TRUE(webhook.ok());
  webhook->events = {"Stopped", "Finished"};
  ASSERT_TRUE(hooks_.Update(*webhook, kNow).ok());
  EXPECT_EQ(pending(),
            (std::vector<std::string>{"TextBroadcast:Stopped:STOPPED:5"}));
  webhook->resource = "OutboundText";
  webhook->events = {"Finished"};
  ASSERT_TRUE(hooks_.Update(*webhook, kNow).ok());
  EXPECT_TRUE(pending().empty());
}

TEST_F(AccountWebhooksTest, AReadOnlyAccountChangesNothing) {
  Create(TextsWebhook());
  AccountDb read_only(dir_.File("account.db"), true, "");
  AccountWebhooks hooks(&read_only);
  EXPECT_EQ(hooks.Create(TextsWebhook(), kNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(hooks.EnqueueFeed(1, 1, {TextEvent(1)}).code(),
            absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<WebhookPage> page = hooks.Find({});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->total_count, 1u);
}

}  // namespace
}  // namespace herald
