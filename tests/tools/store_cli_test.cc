// Runs `herald texts` and `herald stats` as a user would, on a store written
// here with SQL where the engine keeps broadcast 1 of a state directory.
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/store/sqlite_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const std::string kHerald = HERALD_BINARY;

// Batch 1 has 5 rows, 4 of them settled. Times are 2026-11-22 13:0m:00Z.
constexpr char kTexts[] = R"sql(
INSERT INTO broadcast VALUES (1, 'run-7', 'Charity', '19206596476',
  '{"name": "Charity", "fromNumber": "19206596476", "message": "Hello"}',
  '{"provider": "", "weight": 1, "outboxPath": "", "dncPaths": [],
    "phoneColumn": "", "runId": "run-7", "outcomesPath": "",
    "webhookFile": "", "deadline": null}',
  'RUNNING', 1795352400000, 1795352400000);
INSERT INTO batches (id, path, file_size, file_mtime_ns, size, created) VALUES (1, 'contacts.csv', 100, 1, 5, 1795352400000);
INSERT INTO texts VALUES
  (10000000001, 1, 1, 2, 12135550101, 'FINISHED', 'SENT', 1, NULL, NULL,
   'Hello Ann, join us for the Beaufort charity weekend!', 1,
   'America/New_York', NULL, 1795352400000, 1795352460000),
  (10000000002, 1, 2, 3, 12135550102, 'DNC', 'DNT', 0, NULL, NULL, NULL, 0,
   'America/New_York', NULL, 1795352400000, 1795352520000),
  (10000000003, 1, 3, 4, NULL, 'INVALID', NULL, 0, NULL, NULL, NULL, 0, NULL,
   'not a phone number', 1795352400000, 1795352580000),
  (10000000004, 1, 4, 5, 13125550104, 'CALLBACK', 'CARRIER_TEMP_ERROR', 1, 1,
   1795352940000, 'Hello Bo', 1, 'America/Chicago', NULL, 1795352400000,
   1795352640000);
INSERT INTO attempts VALUES
  (10000000001, 1, 1795352460000, 'SENT', 'p1', 1),
  (10000000004, 1, 1795352640000, 'CARRIER_TEMP_ERROR', NULL, 0);
)sql";

class StoreCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string broadcast_dir = dir_.File("broadcasts/1");
    std::filesystem::create_directories(broadcast_dir);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(StorePath(broadcast_dir).c_str(), &db), SQLITE_OK);
    for (const char* sql : {"PRAGMA journal_mode=WAL", kStoreSchema, kTexts}) {
      EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK)
          << sqlite3_errmsg(db);
    }
    sqlite3_close(db);
  }

  // Runs herald with `args` on the store; returns its exit status.
  int Herald(const std::string& command, const std::string& args) {
    output_.clear();
    return RunCommand(absl::StrCat(kHerald, " ", command, " --state ",
                                   dir_.path(), " ", args),
                      &output_);
  }

  json Output() const {
    json out = json::parse(output_, nullptr, false);
    EXPECT_FALSE(out.is_discarded()) << output_;
    return out;
  }

  TempDir dir_;
  std::string output_;
};

TEST_F(StoreCliTest, TextsPrintsAPageOfTexts) {
  ASSERT_EQ(Herald("texts", ""), 0) << output_;
  const json out = Output();
  EXPECT_EQ(out["totalCount"], 4);
  EXPECT_EQ(out["offset"], 0);
  EXPECT_EQ(out["limit"], 100);
  ASSERT_EQ(out["items"].size(), 4u);
  EXPECT_EQ(out["items"][0], json::parse(R"({
    "id": 10000000001, "fromNumber": "19206596476",
    "toNumber": "12135550101", "state": "FINISHED", "campaignId": "run-7",
    "batchId": 1, "inbound": false, "created": 1795352400000,
    "modified": 1795352460000,
    "message": "Hello Ann, join us for the Beaufort charity weekend!",
    "finalTextResult": "SENT",
    "records": [{"id": 1000000000101, "attempt": 1,
                 "finishTime": 1795352460000, "textResult": "SENT",
                 "providerId": "p1", "billedSegments": 1,
                 "deliveryState": "PENDING"}],
    "recipientId": 1, "line": 2, "segments": 1, "zone": "America/New_York",
    "attempts": 1})"));
  // Pretty-printed with two spaces.
  EXPECT_THAT(output_, HasSubstr("{\n  \"items\": [\n    {\n"));
}

TEST_F(StoreCliTest, TextsFiltersAndTakesFields) {
  ASSERT_EQ(Herald("texts",
                   "--states finished,DNC --fields "
                   "'items(id,state),totalCount'"),
            0)
      << output_;
  EXPECT_EQ(Output(), json::parse(R"({"items": [
      {"id": 10000000001, "state": "FINISHED"},
      {"id": 10000000002, "state": "DNC"}], "totalCount": 2})"));

  ASSERT_EQ(Herald("texts",
                   "--since 2026-11-22T08:02:00-05:00 "
                   "--until 1795352640000 --fields items/id"),
            0)
      << output_;
  EXPECT_EQ(Output(), json::parse(R"({"items": [{"id": 10000000002},
                                                {"id": 10000000003}]})"));

  ASSERT_EQ(Herald("texts",
                   "--results CARRIER_TEMP_ERROR --batch 1 --to "
                   "'(312) 555-0104' --from 19206596476 --fields "
                   "items/id"),
            0)
      << output_;
  EXPECT_EQ(Output(), json::parse(R"({"items": [{"id": 10000000004}]})"));

  ASSERT_EQ(Herald("texts", "--offset 3 --limit 2 --fields '!items'"), 0)
      << output_;
  EXPECT_EQ(Output(),
            json::parse(R"({"offset": 3, "limit": 2, "totalCount": 4})"));
}

TEST_F(StoreCliTest, StatsRefusesAnEmptyRange) {
  EXPECT_EQ(Herald("stats",
                   "--begin 2026-11-23T00:00:00Z --end 2026-11-22T00:00:00Z"),
            2);
  EXPECT_THAT(output_, HasSubstr("--end 2026-11-22T00:00:00Z is not after "
                                 "--begin 2026-11-23T00:00:00Z"));
}

TEST_F(StoreCliTest, TextsPrintsATableForPeople) {
  // 40 characters of a message at most, the last "…" when it is longer; a
  // row without a message shows why it has none.
  ASSERT_EQ(Herald("texts", "--format table"), 0) << output_;
  EXPECT_EQ(output_,
            "id           toNumber     state     result              attempts  "
            "modified             message or reason\n"
            "10000000001  12135550101  FINISHED  SENT                1         "
            "2026-11-22 13:01:00  Hello Ann, join us for the Beaufort "
            "cha…\n"
            "10000000002  12135550102  DNC       DNT                 0         "
            "2026-11-22 13:02:00\n"
            "10000000003  -            INVALID   -                   0         "
            "2026-11-22 13:03:00  not a phone number\n"
            "10000000004  13125550104  CALLBACK  CARRIER_TEMP_ERROR  1         "
            "2026-11-22 13:04:00  Hello Bo\n"
            "4 of 4 texts (offset 0)\n");

  ASSERT_EQ(Herald("texts", "--format table --offset 4"), 0) << output_;
  EXPECT_EQ(output_,
            "id  toNumber  state  result  attempts  modified  message or "
            "reason\n"
            "0 of 4 texts (offset 4)\n");
}

TEST_F(StoreCliTest, StatsPrintsTheCounts) {
  ASSERT_EQ(Herald("stats", ""), 0) << output_;
  json out = Output();
  EXPECT_EQ(out["totalCount"], 5);
  EXPECT_EQ(out["remainingOutboundCount"], 2);
  EXPECT_EQ(out["sentCount"], 1);
  EXPECT_EQ(out["unsentCount"], 2);
  EXPECT_EQ(out["segmentCount"], 1);
  EXPECT_EQ(out["doNotTextCount"], 1);
  EXPECT_EQ(out["invalidCount"], 1);
  EXPECT_EQ(out["callbackCount"], 1);
  EXPECT_EQ(out["batches"][0]["file"], "contacts.csv");
  EXPECT_EQ(out["zones"]["unknown"]["invalidCount"], 1);
  EXPECT_EQ(out["results"],
            json({{"SENT", 1}, {"DNT", 1}, {"CARRIER_TEMP_ERROR", 1}}));

  ASSERT_EQ(Herald("stats",
                   "--begin 2026-11-22T13:02:00Z --end "
                   "1795352640000 --fields "
                   "sentCount,unsentCount,totalCount,begin,end"),
            0)
      << output_;
  EXPECT_EQ(Output(), json::parse(R"({"sentCount": 0, "unsentCount": 2,
      "totalCount": 5, "begin": 1795352520000, "end": 1795352640000})"));
}

TEST_F(StoreCliTest, BadFlagValuesNameTheFlagAndTheValue) {
  struct Case {
    const char* command;
    const char* args;
    const char* error;
  };
  for (const Case& c : {
           Case{"texts", "--states FINISHED,NOPE",
                "herald: --states: expected one of READY, SELECTED, CALLBACK, "
                "DISABLED, FINISHED, DNC, DUP, INVALID, TIMEOUT, PERIOD_LIMIT, "
                "SKIPPED, got \"NOPE\"\n"},
           Case{"texts", "--results SENT,LOST",
                "herald: --results: expected one of SENT, RECEIVED, DNT, "
                "TOO_BIG, INTERNAL_ERROR, CARRIER_ERROR, CARRIER_TEMP_ERROR, "
                "UNDIALED, got \"LOST\"\n"},
           Case{"texts", "--limit 1001",
                "herald: --limit: expected a whole number from 0 to 1000, got "
                "\"1001\"\n"},
           Case{"texts", "--offset -1",
                "herald: --offset: expected a whole number from 0 to "
                "18446744073709551615, got \"-1\"\n"},
           Case{"texts", "--batch 0",
                "herald: --batch: expected a whole number from 1 to "
                "4294967295, got \"0\"\n"},
           Case{"texts", "--since yesterday",
                "herald: --since: expected a time such as "
                "2026-11-22T13:40:05Z, 2026-11-22T08:40:05-05:00 or unix "
                "milliseconds, got \"yesterday\"\n"},
           Case{"texts", "--format xml",
                "herald: --format: expected json or table, got \"xml\"\n"},
           Case{"texts", "--fields 'items(id'",
                "herald: --fields: fields \"items(id\": '(' without its ')' "
                "at position 6\n"},
           Case{"texts", "--format table --fields id",
                "herald: --fields: applies to --format json only\n"},
           Case{"stats", "--end 2026-13-01T00:00:00Z",
                "herald: --end: expected a time such as 2026-11-22T13:40:05Z, "
                "2026-11-22T08:40:05-05:00 or unix milliseconds, got "
                "\"2026-13-01T00:00:00Z\"\n"},
       }) {
    EXPECT_EQ(Herald(c.command, c.args), 2) << c.args;
    EXPECT_EQ(output_, c.error);
  }
  EXPECT_EQ(Herald("texts", "--to 555"), 2);
  EXPECT_THAT(output_, HasSubstr("herald: --to: expected a phone number ("));
  EXPECT_THAT(output_, HasSubstr("got \"555\"\n"));
}

TEST(StoreCliMissingTest, SaysThereIsNoStore) {
  TempDir dir;
  for (const char* command : {"texts", "stats"}) {
    std::string output;
    EXPECT_EQ(
        RunCommand(absl::StrCat(kHerald, " ", command, " --state ", dir.path()),
                   &output),
        1);
    EXPECT_EQ(output, absl::StrCat("herald: ", dir.path(),
                                   ": no broadcast kept there (run `herald "
                                   "run --state DIR` first)\n"));
  }
}

TEST_F(StoreCliTest, BroadcastNamesOneOfTheStateDirectory) {
  ASSERT_EQ(Herald("stats", "--broadcast 1 --fields sentCount"), 0) << output_;
  EXPECT_EQ(Output(), json::parse(R"({"sentCount": 1})"));
  EXPECT_EQ(Herald("texts", "--broadcast 2"), 1);
  EXPECT_EQ(output_,
            absl::StrCat("herald: ", dir_.path(), ": no broadcast 2\n"));
  EXPECT_EQ(Herald("stats", "--broadcast x"), 2);
  EXPECT_EQ(output_,
            "herald: --broadcast: expected a whole number from 1 to "
            "9223372036854775807, got \"x\"\n");
}

}  // namespace
}  // namespace herald
