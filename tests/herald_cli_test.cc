// Runs the herald binary as a user would and checks what it writes and says.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kHerald = HERALD_BINARY;
const std::string kExample =
    absl::StrCat(HERALD_SOURCE_DIR, "/examples/beaufort");

size_t CountLines(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

TEST(HeraldCliTest, RunsTheBundledExampleAndReportsTruthfully) {
  TempDir dir;
  std::string output;
  const int status = RunCommand(
      absl::StrCat(kHerald, " run --campaign ", kExample, "/campaign.json",
                   " --contacts ", kExample, "/contacts.csv", " --dnc ",
                   kExample, "/dnc.csv", " --outbox ", dir.File("outbox.jsonl"),
                   " --outcomes ", dir.File("outcomes.jsonl"), " --report ",
                   dir.File("report.json")),
      &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_THAT(output, HasSubstr("Beaufort Charity Weekend\" completed"));

  const json report = json::parse(ReadWholeFile(dir.File("report.json")));
  const json& stats = report["stats"];
  EXPECT_EQ(report["status"], "COMPLETED");
  EXPECT_EQ(stats["totalCount"], 14);
  EXPECT_EQ(stats["sentCount"], 7);
  EXPECT_EQ(stats["invalidCount"], 4);
  EXPECT_EQ(stats["dupCount"], 1);
  EXPECT_EQ(stats["doNotTextCount"], 2);
  EXPECT_EQ(stats["errorCount"], 0);
  EXPECT_EQ(stats["remainingOutboundCount"], 0);
  EXPECT_GE(report["elapsedSeconds"].get<double>(), 0.0);
  EXPECT_EQ(report["invalidSamples"].size(), 4u);

  // One outbox line per text sent, one outcome per row read.
  EXPECT_EQ(CountLines(ReadWholeFile(dir.File("outbox.jsonl"))), 7u);
  EXPECT_EQ(CountLines(ReadWholeFile(dir.File("outcomes.jsonl"))), 14u);
}

TEST(HeraldCliTest, BrokenCampaignJsonNamesFileLineAndColumn) {
  TempDir dir;
  const std::string campaign = dir.Write(
      "campaign.json", "{\n  \"name\": \"x\",\n  \"message\": \"hi\",\n}\n");
  std::string output;
  const int status = RunCommand(
      absl::StrCat(kHerald, " run --campaign ", campaign, " --contacts ",
                   kExample, "/contacts.csv --outbox ", dir.File("o.jsonl")),
      &output);
  EXPECT_EQ(status, 2);
  EXPECT_THAT(output, HasSubstr(campaign));
  EXPECT_THAT(output, HasSubstr("line 4, column 1"));
}

TEST(HeraldCliTest, UnknownOrImpossibleCampaignFieldsAreNamed) {
  TempDir dir;
  const std::string unknown =
      dir.Write("unknown.json", R"({"message": "hi", "scrubDuplicate": true})");
  const std::string impossible =
      dir.Write("impossible.json",
                R"({"message": "hi", "retryConfig": {"maxAttempts": 0}})");
  std::string output;
  EXPECT_EQ(RunCommand(absl::StrCat(kHerald, " run --campaign ", unknown,
                                    " --contacts ", kExample, "/contacts.csv"),
                       &output),
            2);
  EXPECT_THAT(output, HasSubstr("scrubDuplicate: unknown field"));
  EXPECT_EQ(RunCommand(absl::StrCat(kHerald, " run --campaign ", impossible,
                                    " --contacts ", kExample, "/contacts.csv"),
                       &output),
            2);
  EXPECT_THAT(output, HasSubstr("retryConfig.maxAttempts"));
}

TEST(HeraldCliTest, MissingInputsAreClearErrors) {
  TempDir dir;
  std::string output;
  EXPECT_EQ(RunCommand(absl::StrCat(kHerald, " run --contacts x.csv"), &output),
            2);
  EXPECT_THAT(output, HasSubstr("--campaign"));
  EXPECT_EQ(RunCommand(absl::StrCat(kHerald, " run --campaign ", kExample,
                                    "/campaign.json --contacts ",
                                    dir.File("missing.csv"), " --outbox ",
                                    dir.File("o.jsonl")),
                       &output),
            2);
  EXPECT_THAT(output, HasSubstr("missing.csv: cannot open"));
}

}  // namespace
}  // namespace herald
