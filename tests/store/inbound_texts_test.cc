// Inbound texts in the account's database, and what their keywords do to
// the do-not-contact list: an opt-out is recorded with the text in one
// transaction and blocks the number first; an opt-in undoes only what a
// keyword did; the same text twice is one.
#include "engine/store/inbound_texts.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

constexpr PhoneNumber kAnn = 12135551001;
constexpr PhoneNumber kBob = 12135551002;

class InboundTextsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<AccountDnc>> dnc =
        AccountDnc::Open(&db_, &clock_);
    ASSERT_TRUE(dnc.ok()) << dnc.status();
    dnc_ = *std::move(dnc);
    texts_ = std::make_unique<InboundTexts>(&db_, dnc_.get(), &clock_);
  }

  ReceivedText Receive(PhoneNumber from, std::string message,
                       int64_t at_seconds = 1795000000) {
    InboundText text;
    text.from = from;
    text.to = "19206596476";
    text.message = message;
    text.provider = "k1";
    text.at = absl::FromUnixSeconds(at_seconds);
    absl::StatusOr<ReceivedText> received =
        texts_->Record(text, keywords_.Classify(message));
    EXPECT_TRUE(received.ok()) << received.status();
    return received.ok() ? *std::move(received) : ReceivedText{};
  }

  int64_t Count(const std::string& sql) { return QueryInt(db_.path(), sql); }

  TempDir dir_;
  ManualClock clock_{absl::FromUnixSeconds(1795000050)};
  AccountDb db_{dir_.File("account.db"), false, ""};
  std::unique_ptr<AccountDnc> dnc_;
  std::unique_ptr<InboundTexts> texts_;
  const ReplyKeywords keywords_;
};

TEST_F(InboundTextsTest, AStopIsKeptWithItsOptOut) {
  const ReceivedText stop = Receive(kAnn, "stop ");
  EXPECT_TRUE(stop.is_new);
  EXPECT_TRUE(stop.opted_out);
  EXPECT_EQ(stop.text.id, 1);
  EXPECT_EQ(stop.text.keyword, "OPT_OUT");
  EXPECT_EQ(stop.text.received, clock_.Now());
  EXPECT_TRUE(dnc_->Blocks(kAnn));
  absl::StatusOr<DncEntry> entry = dnc_->Get(kAnn);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->source, kKeywordDncSource);
  EXPECT_TRUE(entry->text);
  EXPECT_FALSE(entry->call);

  // A second STOP is a text of its own, but no new opt-out.
  const ReceivedText again = Receive(kAnn, "STOP", 1795000060);
  EXPECT_TRUE(again.is_new);
  EXPECT_FALSE(again.opted_out);
  // The provider calling twice for one text: the one recorded.
  const ReceivedText twice = Receive(kAnn, "STOP", 1795000060);
  EXPECT_FALSE(twice.is_new);
  EXPECT_EQ(twice.text.id, again.text.id);
  EXPECT_EQ(Count("SELECT count(*) FROM inbound_texts"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM dnc"), 1);
}

TEST_F(InboundTextsTest, ANumberOnTheListAlreadyKeepsItsEntry) {
  ASSERT_TRUE(dnc_->Add({kBob}, true, true, "complaints").ok());
  const ReceivedText stop = Receive(kBob, "UNSUBSCRIBE");
  EXPECT_FALSE(stop.opted_out);  // no news: no confirmation owed
  EXPECT_EQ(dnc_->Get(kBob)->source, "complaints");
  // START undoes only what a keyword did: this entry stays.
  const ReceivedText start = Receive(kBob, "START");
  ASSERT_TRUE(start.is_new);
  EXPECT_FALSE(start.opted_in);
  EXPECT_TRUE(dnc_->Blocks(kBob));
  EXPECT_EQ(dnc_->Get(kBob)->source, "complaints");
}

TEST_F(InboundTextsTest, StartUndoesTheKeywordsEntryAndNothingElse) {
  Receive(kAnn, "STOP");
  ASSERT_TRUE(dnc_->Blocks(kAnn));
  EXPECT_TRUE(Receive(kAnn, "Start", 1795000070).opted_in);
  EXPECT_FALSE(dnc_->Blocks(kAnn));
  EXPECT_TRUE(absl::IsNotFound(dnc_->Get(kAnn).status()));

  // A call-only entry a STOP made text-blocking keeps blocking calls.
  ASSERT_TRUE(dnc_->Add({kBob}, true, false, "calls").ok());
  EXPECT_TRUE(Receive(kBob, "Cancel").opted_out);
  EXPECT_EQ(dnc_->Get(kBob)->source, kKeywordDncSource);
  EXPECT_TRUE(Receive(kBob, "unstop", 1795000080).opted_in);
  absl::StatusOr<DncEntry> entry = dnc_->Get(kBob);
  ASSERT_TRUE(entry.ok());
  EXPECT_TRUE(entry->call);
  EXPECT_FALSE(entry->text);
}

TEST_F(InboundTextsTest, OtherTextsChangeNoList) {
  EXPECT_EQ(Receive(kAnn, "HELP").text.keyword, "HELP");
  EXPECT_EQ(Receive(kAnn, "stop it").text.keyword, "");
  EXPECT_EQ(Receive(kAnn, "Thanks!").text.keyword, "");
  EXPECT_FALSE(dnc_->Blocks(kAnn));
}

TEST_F(InboundTextsTest, FindsByCampaignSenderAndId) {
  const int64_t first = Receive(kAnn, "hi").text.id;
  const int64_t second = Receive(kBob, "hello").text.id;
  Receive(kBob, "again", 1795000100);
  ASSERT_TRUE(texts_->SetCampaign(first, 7).ok());
  ASSERT_TRUE(texts_->SetCampaign(second, 8).ok());

  InboundQuery query;
  query.campaigns = {7};
  absl::StatusOr<InboundPage> page = texts_->Find(query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].message, "hi");
  EXPECT_EQ(page->items[0].campaign, 7);
  EXPECT_EQ(page->items[0].provider, "k1");
  EXPECT_EQ(page->items[0].to, "19206596476");
  query.campaigns = {0, 8};
  EXPECT_EQ(texts_->Find(query)->total_count, 2u);
  query = {};
  query.from = kBob;
  query.limit = 1;
  page = texts_->Find(query);
  EXPECT_EQ(page->total_count, 2u);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].message, "hello");
  query = {};
  query.ids = {second};
  EXPECT_EQ(texts_->Find(query)->items.at(0).message, "hello");
  query = {};
  query.limit = kMaxTextPageLimit + 1;
  EXPECT_TRUE(absl::IsInvalidArgument(texts_->Find(query).status()));
}

}  // namespace
}  // namespace herald
