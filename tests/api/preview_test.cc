// The public preview and lookup (herald/preview.h), as an embedder calls
// them before sending: what a broadcast's contacts would make, and when a
// number may be texted.
#include "herald/preview.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(PreviewTest, CountsAndKeepsWhatWouldGoWithoutSending) {
  TempDir dir;
  PreviewOptions options;
  options.contact_paths = {dir.Write("contacts.csv",
                                     "phoneNumber,firstName\n"
                                     "12125551000,Ann\n"
                                     "12125551001,Ren\xC3\xA9"
                                     "e\n"  // é: GSM-7
                                     "12125551002,Chlo\xE2\x80\x99\n"  // ’
                                     "12125551000,Ann again\n"
                                     "555,Short\n")};
  options.texts_kept = 2;
  absl::StatusOr<BroadcastPreview> preview = PreviewBroadcast(
      R"({"fromNumber": "12025550100", "message": "Hi ${firstName}",
          "scrubDuplicates": true,
          "localTimeRestriction": {"enabled": true, "beginHour": 9,
                                   "endHour": 10}})",
      "campaign.json", options);
  ASSERT_TRUE(preview.ok()) << preview.status();
  const RunCounts& totals = preview->report.totals;
  EXPECT_EQ(totals.total, 5u);
  EXPECT_EQ(totals.sent, 3u);  // windows are not applied
  EXPECT_EQ(totals.dup, 1u);
  EXPECT_EQ(totals.invalid, 1u);
  EXPECT_EQ(preview->gsm7.texts, 2u);
  EXPECT_EQ(preview->ucs2.texts, 1u);
  EXPECT_EQ(preview->gsm7.segments + preview->ucs2.segments, 3u);
  ASSERT_EQ(preview->texts.size(), 2u);
  EXPECT_EQ(preview->texts[0].to, 12125551000u);
  EXPECT_EQ(preview->texts[0].message, "Hi Ann");
  EXPECT_EQ(preview->texts[1].message,
            "Hi Ren\xC3\xA9"
            "e");
  EXPECT_EQ(preview->texts[1].encoding, SmsEncoding::kGsm7);

  options.texts_kept = 3;
  preview =
      PreviewBroadcast(R"({"message": "Hi ${firstName}"})", "c.json", options);
  ASSERT_TRUE(preview.ok()) << preview.status();
  ASSERT_EQ(preview->texts.size(), 3u);
  EXPECT_EQ(preview->texts[2].encoding, SmsEncoding::kUcs2);
  EXPECT_THAT(preview->texts[2].ucs2_characters, ElementsAre("\xE2\x80\x99"));
}

TEST(PreviewTest, RefusesBadInputNamingIt) {
  PreviewOptions options;
  absl::StatusOr<BroadcastPreview> preview =
      PreviewBroadcast(R"({"message": 7})", "campaign.json", options);
  EXPECT_EQ(preview.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(preview.status().message(), HasSubstr("campaign.json"));
  EXPECT_THAT(preview.status().message(), HasSubstr("message"));

  options.texts_kept = kMaxPreviewTexts + 1;
  preview = PreviewBroadcast(R"({"message": "Hi"})", "campaign.json", options);
  EXPECT_THAT(preview.status().message(), HasSubstr("at most 100000"));

  options.texts_kept = 1;
  options.contact_paths = {"/nonexistent/contacts.csv"};
  preview = PreviewBroadcast(R"({"message": "Hi"})", "campaign.json", options);
  EXPECT_FALSE(preview.ok());
  EXPECT_THAT(preview.status().message(),
              HasSubstr("/nonexistent/contacts.csv"));
}

// 09:00-17:00 on the recipient's wall clock.
constexpr char kNineToFive[] = R"({"message": "Hi",
    "localTimeRestriction": {"enabled": true, "beginHour": 9,
                             "endHour": 17}})";

TEST(NumberLookupTest, SaysWhereANumberIsAndWhenItMayBeTexted) {
  LookupOptions options;
  options.definition = kNineToFive;
  options.source = "campaign.json";
  absl::StatusOr<std::unique_ptr<NumberLookup>> lookup =
      NumberLookup::Create(options);
  ASSERT_TRUE(lookup.ok()) << lookup.status();

  // 2026-11-23 13:30 UTC is 08:30 in New York, 05:30 in Los Angeles.
  const absl::Time at = absl::FromUnixSeconds(1795440600);
  absl::StatusOr<NumberInfo> ny = (*lookup)->Find("(212) 555-1000", at);
  ASSERT_TRUE(ny.ok()) << ny.status();
  EXPECT_EQ(ny->number, 12125551000u);
  EXPECT_THAT(ny->zones, ElementsAre("America/New_York"));
  EXPECT_EQ(ny->region, "NY");
  EXPECT_EQ(ny->country, "US");
  EXPECT_EQ(ny->sendable, NumberInfo::Sendable::kLater);
  EXPECT_EQ(ny->next, at + absl::Minutes(30));  // 09:00 in New York
  ASSERT_EQ(ny->deciding_zones.size(), 1u);
  EXPECT_EQ(ny->deciding_zones[0].name(), "America/New_York");

  absl::StatusOr<NumberInfo> now =
      (*lookup)->Find("12125551000", at + absl::Hours(1));
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->sendable, NumberInfo::Sendable::kNow);

  absl::StatusOr<NumberInfo> plain = (*lookup)->Find("+1 213 555 1000");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_THAT(plain->zones, ElementsAre("America/Los_Angeles"));
  EXPECT_EQ(plain->sendable, NumberInfo::Sendable::kNotAsked);

  absl::StatusOr<NumberInfo> bad = (*lookup)->Find("555-1000", at);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("\"555-1000\""));
}

TEST(NumberLookupTest, ATollFreeNumberFollowsTheUnknownZonePolicy) {
  LookupOptions options;
  options.definition = R"({"message": "Hi", "unknownZonePolicy": "skip",
      "localTimeRestriction": {"enabled": true, "beginHour": 9,
                               "endHour": 17}})";
  absl::StatusOr<std::unique_ptr<NumberLookup>> lookup =
      NumberLookup::Create(options);
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  absl::StatusOr<NumberInfo> info =
      (*lookup)->Find("18005551000", absl::FromUnixSeconds(1795440600));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->zones.empty());
  EXPECT_EQ(info->sendable, NumberInfo::Sendable::kSkipped);

  options.definition = R"({"message": 7})";
  options.source = "campaign.json";
  EXPECT_THAT(NumberLookup::Create(options).status().message(),
              HasSubstr("campaign.json"));
}

}  // namespace
}  // namespace herald
