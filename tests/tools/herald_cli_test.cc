// Runs the herald binary as a user would and checks what it writes and says.
#include <map>
#include <set>
#include <string>
#include <utility>

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
const std::string kHeraldGen = HERALD_GEN_BINARY;
const std::string kExample =
    absl::StrCat(HERALD_SOURCE_DIR, "/examples/beaufort");

size_t CountLines(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

TEST(HeraldCliTest, RunsTheBundledExampleAndReportsTruthfully) {
  TempDir dir;
  std::string output;
  const int status = RunCommand(
      absl::StrCat(
          kHerald, " run --campaign ", kExample, "/campaign.json",
          " --contacts ", kExample, "/contacts.csv", " --dnc ", kExample,
          "/dnc.csv", " --clock virtual --start 2026-10-24T06:00:00-04:00",
          " --outbox ", dir.File("outbox.jsonl"), " --outcomes ",
          dir.File("outcomes.jsonl"), " --report ", dir.File("report.json")),
      &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_THAT(output, HasSubstr("Beaufort Charity Weekend\" completed"));

  const json report = json::parse(ReadWholeFile(dir.File("report.json")));
  const json& stats = report["stats"];
  EXPECT_EQ(report["status"], "COMPLETED");
  EXPECT_EQ(stats["totalCount"], 15);
  EXPECT_EQ(stats["sentCount"], 8);
  EXPECT_EQ(stats["invalidCount"], 4);
  EXPECT_EQ(stats["dupCount"], 1);
  EXPECT_EQ(stats["doNotTextCount"], 2);
  EXPECT_EQ(stats["errorCount"], 0);
  EXPECT_EQ(stats["remainingOutboundCount"], 0);
  EXPECT_GE(report["elapsedSeconds"].get<double>(), 0.0);
  EXPECT_EQ(report["invalidSamples"].size(), 4u);

  // One outbox line per text sent, one outcome per row read.
  const std::string outbox = ReadWholeFile(dir.File("outbox.jsonl"));
  EXPECT_EQ(CountLines(outbox), 8u);
  // The virtual clock skipped to the schedule's 10:00 opening in New York,
  // where every recipient is.
  for (absl::string_view line :
       absl::StrSplit(outbox, '\n', absl::SkipEmpty())) {
    const json text = json::parse(line);
    EXPECT_EQ(text["zone"], "America/New_York");
    EXPECT_EQ(text["localTime"], "2026-10-24T10:00:00");
    EXPECT_EQ(text["sentAt"], "2026-10-24T14:00:00.000Z");
  }
  EXPECT_EQ(CountLines(ReadWholeFile(dir.File("outcomes.jsonl"))), 15u);
}

// Generated files whose true counts are known: every row ends in exactly one
// state and every count is exact.
TEST(HeraldCliTest, GeneratedListsEndEveryRowInExactlyOneState) {
  TempDir dir;
  std::string output;
  for (const auto& [name, seed] : {std::pair<std::string, int>{"a", 1},
                                   std::pair<std::string, int>{"b", 2}}) {
    ASSERT_EQ(
        RunCommand(
            absl::StrCat(kHeraldGen, " --quiet --rows 100000 --seed ", seed,
                         " --dup-rate 0.05", " --invalid-rate 0.02 --out ",
                         dir.File(absl::StrCat(name, ".csv")), " --dnc-out ",
                         dir.File(absl::StrCat(name, ".dnc")),
                         " --dnc-size 20000 --dnc-hit-rate 0.01", " --truth ",
                         dir.File(absl::StrCat(name, ".json"))),
            &output),
        0)
        << output;
  }
  const std::string campaign =
      dir.Write("campaign.json",
                R"({"message": "Hi ${firstName}, thanks for ${amount}!",
          "scrubDuplicates": true})");
  ASSERT_EQ(
      RunCommand(absl::StrCat(kHerald, " run --quiet --campaign ", campaign,
                              " --contacts ", dir.File("a.csv"), " --contacts ",
                              dir.File("b.csv"), " --dnc ", dir.File("a.dnc"),
                              " --outbox ", dir.File("outbox.jsonl"),
                              " --outcomes ", dir.File("outcomes.jsonl"),
                              " --report ", dir.File("report.json")),
                 &output),
      0)
      << output;

  const json report = json::parse(ReadWholeFile(dir.File("report.json")));
  ASSERT_EQ(report["batches"].size(), 2u);
  // The two seeds draw from the same number space, so file b may repeat
  // numbers of file a, and b's DNC list may hold numbers of a: the truth is
  // exact for file a (first, and with only its own DNC list loaded).
  const json truth_a = json::parse(ReadWholeFile(dir.File("a.json")));
  const json truth_b = json::parse(ReadWholeFile(dir.File("b.json")));
  const json& a = report["batches"][0]["stats"];
  EXPECT_EQ(a["totalCount"], truth_a["rows"]);
  EXPECT_EQ(a["invalidCount"], truth_a["invalid"]);
  EXPECT_EQ(a["dupCount"], truth_a["dup"]);
  EXPECT_EQ(a["doNotTextCount"], truth_a["dnc"]);
  EXPECT_EQ(a["sentCount"], truth_a["sendable"]);
  const json& b = report["batches"][1]["stats"];
  EXPECT_EQ(b["totalCount"], truth_b["rows"]);
  EXPECT_EQ(b["invalidCount"], truth_b["invalid"]);
  // File b's own duplicates, plus any of its numbers already seen in file a.
  EXPECT_GE(b["dupCount"].get<int64_t>(), truth_b["dup"].get<int64_t>());

  // Every row of both files has exactly one outcome, and the outcomes agree
  // with the report's counts.
  std::map<std::string, int64_t> by_state;
  std::set<std::pair<int, int64_t>> rows;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(dir.File("outcomes.jsonl")), '\n',
                      absl::SkipEmpty())) {
    const json outcome = json::parse(line.begin(), line.end());
    EXPECT_TRUE(
        rows.emplace(outcome["batch"].get<int>(), outcome["recipientId"])
            .second)
        << line;
    ++by_state[outcome["state"]];
  }
  const json& stats = report["stats"];
  EXPECT_EQ(static_cast<int64_t>(rows.size()), stats["totalCount"]);
  EXPECT_EQ(stats["totalCount"], 200000);
  EXPECT_EQ(by_state["FINISHED"], stats["sentCount"]);
  EXPECT_EQ(by_state["INVALID"], stats["invalidCount"]);
  EXPECT_EQ(by_state["DUP"], stats["dupCount"]);
  EXPECT_EQ(by_state["DNC"], stats["doNotTextCount"]);
  EXPECT_EQ(stats["totalCount"].get<int64_t>(),
            stats["sentCount"].get<int64_t>() +
                stats["invalidCount"].get<int64_t>() +
                stats["dupCount"].get<int64_t>() +
                stats["doNotTextCount"].get<int64_t>() +
                stats["errorCount"].get<int64_t>() +
                stats["remainingOutboundCount"].get<int64_t>());
  EXPECT_EQ(
      static_cast<int64_t>(CountLines(ReadWholeFile(dir.File("outbox.jsonl")))),
      stats["sentCount"]);
}

TEST(HeraldCliTest, RenderShowsMessagesEncodingsAndTotalsAndSendsNothing) {
  TempDir dir;
  std::string output;
  ASSERT_EQ(RunCommand(absl::StrCat(kHerald, " render --campaign ", kExample,
                                    "/campaign.json --contacts ", kExample,
                                    "/contacts.csv --dnc ", kExample,
                                    "/dnc.csv --limit 20"),
                       &output),
            0)
      << output;
  // Carlos's message is 170 GSM-7 characters: two segments.
  EXPECT_THAT(output,
              HasSubstr("batch 1 row 4 to 18433792210: GSM-7, 2 segments, "
                        "170 characters"));
  // Zoë's has characters outside GSM-7, and says which.
  EXPECT_THAT(output, HasSubstr("row 15 to 18433794410: UCS-2, 1 segment"));
  EXPECT_THAT(output, HasSubstr("UCS-2 because of: ë 🎉"));
  EXPECT_THAT(output,
              HasSubstr("total: 15 rows; 8 texts to send as 9 segments"));
  EXPECT_THAT(output, HasSubstr("UCS-2: 1 texts, 1 segments"));
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
