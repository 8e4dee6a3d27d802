// StoreReader over a store written here row by row with SQL, so that every
// page and count below is known exactly.
#include "engine/store/store_reader.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/store/partial_response.h"
#include "engine/store/sqlite_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kNy[] = "America/New_York";
constexpr char kChi[] = "America/Chicago";
constexpr char kDen[] = "America/Denver";
constexpr char kLa[] = "America/Los_Angeles";
constexpr char kFrom[] = "19206596476";

const absl::Time kT0 = absl::FromUnixSeconds(1795352400);  // 2026-11-22 13:00Z

absl::Time Minute(int m) { return kT0 + absl::Minutes(m); }

// A texts row. Attempts before the last failed with CARRIER_TEMP_ERROR a
// minute apart; the last one has the row's result and ends at `minute`,
// when the row was modified. Sent attempts bill the row's segments.
struct Row {
  uint32_t batch;
  uint64_t recipient;
  const char* state;
  const char* result;  // nullptr: NULL
  int attempts;
  int segments;
  const char* zone;
  int minute;
};

// Batch 1 has 20 rows, 18 of them in texts; batch 2 has not been read to its
// end (size NULL), and 12 texts rows. CALLBACK rows are not final.
const Row kRows[] = {
    {1, 1, "FINISHED", "SENT", 1, 1, kNy, 1},
    {1, 2, "FINISHED", "SENT", 2, 2, kNy, 2},
    {1, 3, "FINISHED", "CARRIER_ERROR", 1, 1, kChi, 3},
    {1, 4, "DNC", "DNT", 0, 0, kNy, 4},
    {1, 5, "DUP", nullptr, 0, 0, kChi, 5},
    {1, 6, "INVALID", nullptr, 0, 0, "", 6},
    {1, 7, "FINISHED", "TOO_BIG", 0, 11, kNy, 7},
    {1, 8, "TIMEOUT", nullptr, 0, 0, kDen, 8},
    {1, 9, "SKIPPED", nullptr, 0, 0, "", 9},
    {1, 10, "CALLBACK", "CARRIER_TEMP_ERROR", 1, 1, kNy, 10},
    {1, 11, "FINISHED", "SENT", 1, 1, kChi, 11},
    {1, 12, "FINISHED", "INTERNAL_ERROR", 1, 1, kNy, 12},
    {1, 13, "DNC", "DNT", 0, 0, kChi, 13},
    {1, 14, "DUP", nullptr, 0, 0, kNy, 14},
    {1, 15, "INVALID", nullptr, 0, 0, "", 15},
    {1, 16, "TIMEOUT", nullptr, 0, 0, kNy, 16},
    {1, 17, "FINISHED", "SENT", 1, 3, kLa, 17},
    {1, 18, "FINISHED", "UNDIALED", 1, 1, kNy, 18},
    {2, 1, "FINISHED", "SENT", 1, 1, kNy, 21},
    {2, 2, "FINISHED", "SENT", 1, 1, kChi, 22},
    {2, 3, "FINISHED", "SENT", 3, 2, kNy, 23},
    {2, 4, "CALLBACK", "CARRIER_TEMP_ERROR", 2, 1, kChi, 24},
    {2, 5, "DNC", "DNT", 0, 0, kNy, 25},
    {2, 6, "DUP", nullptr, 0, 0, kNy, 26},
    {2, 7, "INVALID", nullptr, 0, 0, nullptr, 27},
    {2, 8, "TIMEOUT", nullptr, 0, 0, kChi, 28},
    {2, 9, "SKIPPED", nullptr, 0, 0, kNy, 29},
    {2, 10, "FINISHED", "TOO_BIG", 0, 12, kChi, 30},
    {2, 11, "FINISHED", "CARRIER_ERROR", 1, 1, kNy, 31},
    {2, 12, "PERIOD_LIMIT", nullptr, 0, 0, kDen, 32},
};

PhoneNumber NumberOf(const Row& row) {
  if (std::string(row.state) == "INVALID") return 0;
  return 12135550000 + row.batch * 100 + row.recipient;
}

// A value to bind: a number, text, or NULL (kNull).
using Param = std::variant<int64_t, const char*>;
const Param kNull = static_cast<const char*>(nullptr);

// A read-write connection, as the writer has.
class Writer {
 public:
  explicit Writer(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL");
  }
  ~Writer() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  // Runs `sql` once with `params` bound in order.
  void Insert(const std::string& sql, const std::vector<Param>& params) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (std::holds_alternative<int64_t>(params[i])) {
        sqlite3_bind_int64(stmt, index, std::get<int64_t>(params[i]));
      } else if (std::get<const char*>(params[i]) == nullptr) {
        sqlite3_bind_null(stmt, index);
      } else {
        sqlite3_bind_text(stmt, index, std::get<const char*>(params[i]), -1,
                          SQLITE_TRANSIENT);
      }
    }
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
  }

  void AddText(const Row& row) {
    const uint64_t id = TextId(row.batch, row.recipient);
    const PhoneNumber to = NumberOf(row);
    const std::string message = absl::StrCat("Hello #", id);
    const bool tried = row.attempts > 0 || std::string(row.state) == "FINISHED";
    const bool callback = std::string(row.state) == "CALLBACK";
    Insert(
        "INSERT INTO texts (id, batch_id, recipient_id, line, to_number, "
        "state, result, attempts, key_attempt, next_attempt, message, "
        "segments, zone, reason, created, modified) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {int64_t(id), int64_t{row.batch}, int64_t(row.recipient),
         int64_t(row.recipient + 1), to == 0 ? kNull : Param(int64_t(to)),
         row.state, row.result, int64_t{row.attempts},
         callback ? Param(int64_t{1}) : kNull,
         callback ? Param(absl::ToUnixMillis(Minute(row.minute + 5))) : kNull,
         tried ? message.c_str() : kNull, int64_t{row.segments}, row.zone,
         to == 0 ? "not a phone number" : kNull, absl::ToUnixMillis(kT0),
         absl::ToUnixMillis(Minute(row.minute))});
    for (int k = 1; k <= row.attempts; ++k) {
      const bool last = k == row.attempts;
      const std::string result = last ? row.result : "CARRIER_TEMP_ERROR";
      const std::string provider_id = absl::StrCat("p", id, "-", k);
      Insert(
          "INSERT INTO attempts (text_id, attempt, finish_time, result, "
          "provider_id, segments) VALUES (?, ?, ?, ?, ?, ?)",
          {int64_t(id), int64_t{k},
           absl::ToUnixMillis(Minute(row.minute - (row.attempts - k))),
           result.c_str(), result == "SENT" ? provider_id.c_str() : nullptr,
           result == "SENT" ? int64_t{row.segments} : int64_t{0}});
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

// Creates the store of kRows at `path`.
void WriteStore(const std::string& path) {
  Writer writer(path);
  writer.Exec(kStoreSchema);
  writer.Exec("BEGIN");
  writer.Insert(
      "INSERT INTO broadcast VALUES (1, 'run-7', 'Charity', ?, '{}', '{}', "
      "'RUNNING', ?, ?)",
      {kFrom, absl::ToUnixMillis(kT0), absl::ToUnixMillis(kT0)});
  writer.Exec(
      "INSERT INTO batches (id, path, file_size, file_mtime_ns, size, created) "
      "VALUES (1, 'a.csv', 100, 1, 20, 0), "
      "(2, 'b.csv', 100, 1, NULL, 0)");
  for (const Row& row : kRows) writer.AddText(row);
  writer.Exec("COMMIT");
}

class StoreReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteStore(path_);
    absl::StatusOr<std::unique_ptr<StoreReader>> reader =
        StoreReader::Open(path_);
    ASSERT_TRUE(reader.ok()) << reader.status();
    reader_ = *std::move(reader);
  }

  // The ids of the page `query` finds, and its total count.
  std::vector<uint64_t> Ids(const TextQuery& query, uint64_t* total = nullptr) {
    absl::StatusOr<TextPage> page = reader_->FindTexts(query);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    EXPECT_EQ(page->offset, query.offset);
    EXPECT_EQ(page->limit, query.limit);
    if (total != nullptr) *total = page->total_count;
    std::vector<uint64_t> ids;
    for (const TextRecord& text : page->items) ids.push_back(text.id);
    return ids;
  }

  StoreStats Stats(absl::Time begin = absl::InfinitePast(),
                   absl::Time end = absl::InfiniteFuture()) {
    absl::StatusOr<StoreStats> stats = reader_->Stats(begin, end);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? *stats : StoreStats();
  }

  TempDir dir_;
  const std::string path_ = StorePath(dir_.path());
  std::unique_ptr<StoreReader> reader_;
};

std::vector<uint64_t> AllIds(uint32_t batch = 0) {
  std::vector<uint64_t> ids;
  for (const Row& row : kRows) {
    if (batch == 0 || row.batch == batch) {
      ids.push_back(TextId(row.batch, row.recipient));
    }
  }
  return ids;
}

TEST_F(StoreReaderTest, KnowsTheBroadcast) {
  EXPECT_EQ(reader_->run_id(), "run-7");
  EXPECT_EQ(reader_->from_number(), kFrom);
}

TEST_F(StoreReaderTest, ReadsWholeRecordsWithTheirAttempts) {
  absl::StatusOr<std::vector<TextRecord>> texts =
      reader_->ReadTexts({TextId(2, 3)});
  ASSERT_TRUE(texts.ok()) << texts.status();
  ASSERT_EQ(texts->size(), 1u);
  const TextRecord& text = (*texts)[0];
  EXPECT_EQ(text.id, 20000000003u);
  EXPECT_EQ(text.batch_id, 2u);
  EXPECT_EQ(text.recipient_id, 3u);
  EXPECT_EQ(text.line, 4u);
  EXPECT_EQ(text.to, 12135550203u);
  EXPECT_EQ(text.from, kFrom);
  EXPECT_EQ(text.state, RecipientState::kFinished);
  EXPECT_EQ(text.result, TextResult::kSent);
  EXPECT_EQ(text.message, "Hello #20000000003");
  EXPECT_EQ(text.segments, 2);
  EXPECT_EQ(text.zone, kNy);
  EXPECT_EQ(text.attempts, 3);
  EXPECT_EQ(text.created, kT0);
  EXPECT_EQ(text.modified, Minute(23));
  ASSERT_EQ(text.records.size(), 3u);
  EXPECT_EQ(text.records[0].attempt, 1);
  EXPECT_EQ(text.records[0].finish_time, Minute(21));
  EXPECT_EQ(text.records[0].result, TextResult::kCarrierTempError);
  EXPECT_EQ(text.records[0].provider_id, "");
  EXPECT_EQ(text.records[0].segments, 0);
  EXPECT_EQ(text.records[2].attempt, 3);
  EXPECT_EQ(text.records[2].result, TextResult::kSent);
  EXPECT_EQ(text.records[2].provider_id, "p20000000003-3");
  EXPECT_EQ(text.records[2].segments, 2);

  // An INVALID row: no number, no result, a reason, no attempts.
  texts = reader_->ReadTexts({TextId(1, 6)});
  ASSERT_TRUE(texts.ok()) << texts.status();
  ASSERT_EQ(texts->size(), 1u);
  EXPECT_EQ((*texts)[0].to, 0u);
  EXPECT_EQ((*texts)[0].result, std::nullopt);
  EXPECT_EQ((*texts)[0].reason, "not a phone number");
  EXPECT_TRUE((*texts)[0].records.empty());
  EXPECT_EQ((*texts)[0].zone, "");
}

TEST_F(StoreReaderTest, ReadsTextsInTheOrderAskedAndSkipsMissingOnes) {
  absl::StatusOr<std::vector<TextRecord>> texts = reader_->ReadTexts(
      {TextId(2, 12), TextId(1, 19), TextId(1, 2), 7, TextId(2, 4)});
  ASSERT_TRUE(texts.ok()) << texts.status();
  ASSERT_EQ(texts->size(), 3u);
  EXPECT_EQ((*texts)[0].id, TextId(2, 12));
  EXPECT_EQ((*texts)[1].id, TextId(1, 2));
  EXPECT_EQ((*texts)[1].records.size(), 2u);
  EXPECT_EQ((*texts)[2].id, TextId(2, 4));
  EXPECT_EQ((*texts)[2].records.size(), 2u);

  texts = reader_->ReadTexts({});
  ASSERT_TRUE(texts.ok()) << texts.status();
  EXPECT_TRUE(texts->empty());

  // Hundreds of ids in one go, most unknown, in reverse.
  std::vector<uint64_t> ids = AllIds();
  for (uint64_t i = 0; i < 500; ++i) ids.push_back(TextId(3, i));
  std::reverse(ids.begin(), ids.end());
  texts = reader_->ReadTexts(ids);
  ASSERT_TRUE(texts.ok()) << texts.status();
  ASSERT_EQ(texts->size(), 30u);
  EXPECT_EQ(texts->front().id, TextId(2, 12));
  EXPECT_EQ(texts->back().id, TextId(1, 1));
  size_t records = 0;
  for (const TextRecord& text : *texts) records += text.records.size();
  EXPECT_EQ(records, 17u);
}

TEST_F(StoreReaderTest, FindsEverythingByIdByDefault) {
  uint64_t total = 0;
  EXPECT_EQ(Ids(TextQuery(), &total), AllIds());
  EXPECT_EQ(total, 30u);
}

TEST_F(StoreReaderTest, FiltersByStateResultBatchAndNumber) {
  uint64_t total = 0;
  TextQuery query;
  query.states = {RecipientState::kDnc, RecipientState::kDup};
  EXPECT_THAT(Ids(query, &total),
              ElementsAre(TextId(1, 4), TextId(1, 5), TextId(1, 13),
                          TextId(1, 14), TextId(2, 5), TextId(2, 6)));
  EXPECT_EQ(total, 6u);

  query = TextQuery();
  query.states = {RecipientState::kReady};  // never stored
  EXPECT_THAT(Ids(query, &total), ElementsAre());
  EXPECT_EQ(total, 0u);

  query = TextQuery();
  query.results = {TextResult::kCarrierError, TextResult::kCarrierTempError};
  EXPECT_THAT(Ids(query), ElementsAre(TextId(1, 3), TextId(1, 10), TextId(2, 4),
                                      TextId(2, 11)));

  query = TextQuery();
  query.batch = 2;
  EXPECT_EQ(Ids(query), AllIds(2));
  query.batch = 3;
  EXPECT_THAT(Ids(query), ElementsAre());

  query = TextQuery();
  query.to = 12135550103;
  EXPECT_THAT(Ids(query), ElementsAre(TextId(1, 3)));
}

TEST_F(StoreReaderTest, FromMatchesAllOrNothing) {
  TextQuery query;
  uint64_t total = 0;
  query.from = kFrom;
  EXPECT_EQ(Ids(query, &total).size(), 30u);
  query.from = "+1 (920) 659-6476";
  EXPECT_EQ(Ids(query).size(), 30u);
  query.from = "19206596477";
  EXPECT_THAT(Ids(query, &total), ElementsAre());
  EXPECT_EQ(total, 0u);
  query.from = "67076";
  EXPECT_THAT(Ids(query), ElementsAre());
}

TEST_F(StoreReaderTest, SinceIsInclusiveAndUntilExclusive) {
  TextQuery query;
  query.since = Minute(5);
  query.until = Minute(8);
  EXPECT_THAT(Ids(query),
              ElementsAre(TextId(1, 5), TextId(1, 6), TextId(1, 7)));
  // Between milliseconds: the instants, not their rounding, decide.
  query.since = Minute(5) - absl::Nanoseconds(1);
  query.until = Minute(8) + absl::Nanoseconds(1);
  EXPECT_THAT(Ids(query), ElementsAre(TextId(1, 5), TextId(1, 6), TextId(1, 7),
                                      TextId(1, 8)));
  query.since = Minute(5) + absl::Nanoseconds(1);
  query.until = Minute(8) - absl::Nanoseconds(1);
  EXPECT_THAT(Ids(query), ElementsAre(TextId(1, 6), TextId(1, 7)));

  query = TextQuery();
  query.since = Minute(31);
  EXPECT_THAT(Ids(query), ElementsAre(TextId(2, 11), TextId(2, 12)));
  query = TextQuery();
  query.until = Minute(2);
  EXPECT_THAT(Ids(query), ElementsAre(TextId(1, 1)));
}

TEST_F(StoreReaderTest, CombinesFilters) {
  TextQuery query;
  query.states = {RecipientState::kFinished};
  query.results = {TextResult::kSent};
  query.batch = 1;
  query.since = Minute(2);
  query.from = kFrom;
  uint64_t total = 0;
  EXPECT_THAT(Ids(query, &total),
              ElementsAre(TextId(1, 2), TextId(1, 11), TextId(1, 17)));
  EXPECT_EQ(total, 3u);
  query.to = 12135550111;
  EXPECT_THAT(Ids(query, &total), ElementsAre(TextId(1, 11)));
  EXPECT_EQ(total, 1u);
}

TEST_F(StoreReaderTest, PagesByOffsetAndLimit) {
  uint64_t total = 0;
  TextQuery query;
  query.limit = 10;
  query.offset = 25;
  EXPECT_THAT(Ids(query, &total),
              ElementsAre(TextId(2, 8), TextId(2, 9), TextId(2, 10),
                          TextId(2, 11), TextId(2, 12)));
  EXPECT_EQ(total, 30u);

  query.offset = 0;
  query.limit = 1;
  EXPECT_THAT(Ids(query, &total), ElementsAre(TextId(1, 1)));
  EXPECT_EQ(total, 30u);

  // At and after the end: no items, the same total.
  for (uint64_t offset : {uint64_t{30}, uint64_t{31}, ~uint64_t{0}}) {
    query.offset = offset;
    query.limit = 10;
    EXPECT_THAT(Ids(query, &total), ElementsAre()) << offset;
    EXPECT_EQ(total, 30u);
  }

  // Limit 0 only counts.
  query.offset = 0;
  query.limit = 0;
  query.batch = 1;
  EXPECT_THAT(Ids(query, &total), ElementsAre());
  EXPECT_EQ(total, 18u);

  query = TextQuery();
  query.limit = kMaxTextPageLimit;
  EXPECT_EQ(Ids(query).size(), 30u);
}

TEST_F(StoreReaderTest, RefusesLimitsOutOfRange) {
  for (int limit : {kMaxTextPageLimit + 1, -1}) {
    TextQuery query;
    query.limit = limit;
    absl::StatusOr<TextPage> page = reader_->FindTexts(query);
    ASSERT_FALSE(page.ok());
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(page.status().message(),
              absl::StrCat("limit ", limit, ": must be from 0 to 1000"));
  }
}

TEST_F(StoreReaderTest, PageJsonTakesFields) {
  TextQuery query;
  query.batch = 1;
  query.limit = 2;
  query.offset = 1;
  absl::StatusOr<TextPage> page = reader_->FindTexts(query);
  ASSERT_TRUE(page.ok()) << page.status();
  const json out = TextPageJson(*page, reader_->run_id());
  EXPECT_EQ(out["offset"], 1);
  EXPECT_EQ(out["limit"], 2);
  EXPECT_EQ(out["totalCount"], 18);
  ASSERT_EQ(out["items"].size(), 2u);
  EXPECT_EQ(out["items"][0], TextJson(page->items[0], "run-7"));
  EXPECT_EQ(out["items"][0]["campaignId"], "run-7");
  EXPECT_EQ(out["items"][0]["fromNumber"], kFrom);
  EXPECT_EQ(out["items"][0]["records"].size(), 2u);

  absl::StatusOr<FieldSelector> fields =
      FieldSelector::Parse("items(id,toNumber,records(textResult)),totalCount");
  ASSERT_TRUE(fields.ok()) << fields.status();
  EXPECT_EQ(fields->Apply(out), json::parse(R"({
    "items": [
      {"id": 10000000002, "toNumber": "12135550102",
       "records": [{"textResult": "CARRIER_TEMP_ERROR"},
                   {"textResult": "SENT"}]},
      {"id": 10000000003, "toNumber": "12135550103",
       "records": [{"textResult": "CARRIER_ERROR"}]}
    ],
    "totalCount": 18})"));
}

TEST_F(StoreReaderTest, CountsTheWholeBroadcast) {
  const StoreStats stats = Stats();
  const json out = StatsJson(stats);
  json counts = out;
  counts.erase("batches");
  counts.erase("zones");
  counts.erase("results");
  // Each final text in exactly one count (CountOf): the PERIOD_LIMIT row of
  // batch 2 is an error, as the run report counts it.
  EXPECT_EQ(counts, json::parse(R"({
    "totalCount": 32, "totalOutboundCount": 32, "remainingOutboundCount": 4,
    "sentCount": 7, "unsentCount": 21, "segmentCount": 11,
    "doNotTextCount": 3, "dupCount": 3, "invalidCount": 3, "tooBigCount": 2,
    "errorCount": 5, "timeoutCount": 3, "callbackCount": 2,
    "skippedCount": 2, "deliveredCount": 0, "undeliveredCount": 0,
    "deliveryPendingCount": 7})"));

  EXPECT_EQ(out["batches"], json::parse(R"([
    {"id": 1, "file": "a.csv", "size": 20,
     "totalCount": 20, "totalOutboundCount": 20, "remainingOutboundCount": 3,
     "sentCount": 4, "unsentCount": 13, "segmentCount": 7,
     "doNotTextCount": 2, "dupCount": 2, "invalidCount": 2, "tooBigCount": 1,
     "errorCount": 3, "timeoutCount": 2, "callbackCount": 1,
     "skippedCount": 1, "deliveredCount": 0, "undeliveredCount": 0,
     "deliveryPendingCount": 4},
    {"id": 2, "file": "b.csv", "size": null,
     "totalCount": 12, "totalOutboundCount": 12, "remainingOutboundCount": 1,
     "sentCount": 3, "unsentCount": 8, "segmentCount": 4,
     "doNotTextCount": 1, "dupCount": 1, "invalidCount": 1, "tooBigCount": 1,
     "errorCount": 2, "timeoutCount": 1, "callbackCount": 1,
     "skippedCount": 1, "deliveredCount": 0, "undeliveredCount": 0,
     "deliveryPendingCount": 3}])"));

  EXPECT_EQ(out["zones"], json::parse(R"({
    "America/New_York": {"sentCount": 4, "unsentCount": 10,
      "segmentCount": 6, "doNotTextCount": 2, "dupCount": 2,
      "invalidCount": 0, "tooBigCount": 1, "errorCount": 3,
      "timeoutCount": 1, "callbackCount": 1, "skippedCount": 1,
      "deliveredCount": 0, "undeliveredCount": 0, "deliveryPendingCount": 4},
    "America/Chicago": {"sentCount": 2, "unsentCount": 5,
      "segmentCount": 2, "doNotTextCount": 1, "dupCount": 1,
      "invalidCount": 0, "tooBigCount": 1, "errorCount": 1,
      "timeoutCount": 1, "callbackCount": 1, "skippedCount": 0,
      "deliveredCount": 0, "undeliveredCount": 0, "deliveryPendingCount": 2},
    "America/Denver": {"sentCount": 0, "unsentCount": 2,
      "segmentCount": 0, "doNotTextCount": 0, "dupCount": 0,
      "invalidCount": 0, "tooBigCount": 0, "errorCount": 1,
      "timeoutCount": 1, "callbackCount": 0, "skippedCount": 0,
      "deliveredCount": 0, "undeliveredCount": 0, "deliveryPendingCount": 0},
    "America/Los_Angeles": {"sentCount": 1, "unsentCount": 0,
      "segmentCount": 3, "doNotTextCount": 0, "dupCount": 0,
      "invalidCount": 0, "tooBigCount": 0, "errorCount": 0,
      "timeoutCount": 0, "callbackCount": 0, "skippedCount": 0,
      "deliveredCount": 0, "undeliveredCount": 0, "deliveryPendingCount": 1},
    "unknown": {"sentCount": 0, "unsentCount": 4,
      "segmentCount": 0, "doNotTextCount": 0, "dupCount": 0,
      "invalidCount": 3, "tooBigCount": 0, "errorCount": 0,
      "timeoutCount": 0, "callbackCount": 0, "skippedCount": 1,
      "deliveredCount": 0, "undeliveredCount": 0, "deliveryPendingCount": 0}})"));

  EXPECT_EQ(out["results"], json::parse(R"({"SENT": 7, "CARRIER_ERROR": 2,
    "DNT": 3, "TOO_BIG": 2, "CARRIER_TEMP_ERROR": 2, "INTERNAL_ERROR": 1,
    "UNDIALED": 1})"));
  EXPECT_FALSE(out.contains("begin"));
  EXPECT_FALSE(out.contains("end"));
}

TEST_F(StoreReaderTest, CountsARangeButTotalsStayWhole) {
  const json out = StatsJson(Stats(Minute(5), Minute(12)));
  EXPECT_EQ(out["begin"], absl::ToUnixMillis(Minute(5)));
  EXPECT_EQ(out["end"], absl::ToUnixMillis(Minute(12)));
  EXPECT_EQ(out["totalCount"], 32);
  EXPECT_EQ(out["totalOutboundCount"], 32);
  EXPECT_EQ(out["remainingOutboundCount"], 4);
  EXPECT_EQ(out["sentCount"], 1);
  EXPECT_EQ(out["unsentCount"], 5);
  EXPECT_EQ(out["segmentCount"], 1);  // 1 ends at minute 11; 10 billed none
  EXPECT_EQ(out["doNotTextCount"], 0);
  EXPECT_EQ(out["dupCount"], 1);
  EXPECT_EQ(out["invalidCount"], 1);
  EXPECT_EQ(out["tooBigCount"], 1);
  EXPECT_EQ(out["errorCount"], 0);
  EXPECT_EQ(out["timeoutCount"], 1);
  EXPECT_EQ(out["callbackCount"], 1);
  EXPECT_EQ(out["skippedCount"], 1);
  EXPECT_EQ(out["results"],
            json({{"SENT", 1}, {"TOO_BIG", 1}, {"CARRIER_TEMP_ERROR", 1}}));

  // Batch 2 has nothing in the range but its whole-broadcast counts.
  const json& batch2 = out["batches"][1];
  EXPECT_EQ(batch2["totalCount"], 12);
  EXPECT_EQ(batch2["remainingOutboundCount"], 1);
  EXPECT_EQ(batch2["sentCount"], 0);
  EXPECT_EQ(batch2["unsentCount"], 0);
  EXPECT_EQ(batch2["segmentCount"], 0);
  EXPECT_EQ(out["batches"][0]["unsentCount"], 5);

  std::vector<std::string> zones;
  for (const auto& [zone, counts] : out["zones"].items()) zones.push_back(zone);
  EXPECT_THAT(zones, ElementsAre(kChi, kDen, kNy, "unknown"));
  EXPECT_EQ(out["zones"][kChi]["segmentCount"], 1);
  EXPECT_EQ(out["zones"][kChi]["sentCount"], 1);
  EXPECT_EQ(out["zones"][kChi]["dupCount"], 1);
  EXPECT_EQ(out["zones"]["unknown"]["unsentCount"], 2);

  // Attempts count by when they finished, texts by when they changed: the
  // first attempts of 2/3 fall in [21, 23) though the text changed at 23.
  const StoreStats late = Stats(Minute(21), Minute(23));
  EXPECT_EQ(late.counts.sent, 2u);
  EXPECT_EQ(late.counts.segments, 2u);
  EXPECT_EQ(late.results.at("SENT"), 2u);

  const StoreStats empty = Stats(Minute(100), absl::InfiniteFuture());
  EXPECT_EQ(empty.counts.total, 32u);
  EXPECT_EQ(empty.counts.sent + empty.counts.unsent + empty.counts.segments,
            0u);
  EXPECT_TRUE(empty.zones.empty());
  EXPECT_TRUE(empty.results.empty());
}

TEST_F(StoreReaderTest, CountNamesAreTheApiNames) {
  std::vector<std::string> names;
  for (const CountField& field : kCountFields) names.push_back(field.name);
  EXPECT_THAT(
      names, ElementsAre(
                 "totalCount", "totalOutboundCount", "remainingOutboundCount",
                 "sentCount", "unsentCount", "segmentCount", "doNotTextCount",
                 "dupCount", "invalidCount", "tooBigCount", "errorCount",
                 "timeoutCount", "callbackCount", "skippedCount",
                 "deliveredCount", "undeliveredCount", "deliveryPendingCount"));
}

// The writer holds a write transaction open: readers neither wait nor see
// its rows until it commits. A read that needed the writer's lock could only
// wait it out and fail busy (the writer commits after the reads), so the
// reads' answers show that none waited; no wall clock needed.
TEST_F(StoreReaderTest, ReadsWhileTheWriterWrites) {
  Writer writer(path_);
  writer.Exec("BEGIN IMMEDIATE");
  writer.AddText({2, 13, "FINISHED", "SENT", 1, 1, kNy, 40});
  writer.Exec("UPDATE batches SET size = 13 WHERE id = 2");

  uint64_t total = 0;
  EXPECT_EQ(Ids(TextQuery(), &total).size(), 30u);
  EXPECT_EQ(Stats().counts.sent, 7u);
  absl::StatusOr<std::unique_ptr<StoreReader>> other = StoreReader::Open(path_);
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<std::vector<TextRecord>> texts =
      (*other)->ReadTexts({TextId(2, 13)});
  ASSERT_TRUE(texts.ok()) << texts.status();
  EXPECT_TRUE(texts->empty());

  writer.Exec("COMMIT");
  EXPECT_EQ(Ids(TextQuery(), &total).size(), 31u);
  EXPECT_EQ(total, 31u);
  const StoreStats stats = Stats();
  EXPECT_EQ(stats.counts.sent, 8u);
  EXPECT_EQ(stats.counts.total, 33u);
  EXPECT_EQ(stats.counts.remaining_outbound, 4u);
  texts = (*other)->ReadTexts({TextId(2, 13)});
  ASSERT_TRUE(texts.ok()) << texts.status();
  ASSERT_EQ(texts->size(), 1u);
  EXPECT_EQ((*texts)[0].records.size(), 1u);
}

TEST(StoreReaderOpenTest, SaysWhenThereIsNoStore) {
  TempDir dir;
  absl::StatusOr<std::unique_ptr<StoreReader>> reader =
      StoreReader::Open(StorePath(dir.path()));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(),
            absl::StrCat(dir.path(),
                         "/broadcast.db: no herald store (run `herald run "
                         "--state DIR` first)"));
}

TEST(StoreReaderOpenTest, RefusesWhatIsNotAStore) {
  TempDir dir;
  const std::string text = dir.Write("notes.db", "not a database at all, no");
  absl::StatusOr<std::unique_ptr<StoreReader>> reader = StoreReader::Open(text);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.status().message(), HasSubstr(text));

  const std::string empty = dir.File("empty.db");
  { Writer writer(empty); }
  reader = StoreReader::Open(empty);
  ASSERT_FALSE(reader.ok());
  EXPECT_THAT(reader.status().message(), HasSubstr("no such table: broadcast"));

  const std::string fresh = dir.File("fresh.db");
  {
    Writer writer(fresh);
    writer.Exec(kStoreSchema);
  }
  reader = StoreReader::Open(fresh);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(reader.status().message(),
            absl::StrCat(fresh, ": the broadcast is not recorded yet"));
}

TEST_F(StoreReaderTest, NamesTheRowWithAnUnknownState) {
  {
    Writer writer(path_);
    writer.Exec("UPDATE texts SET state = 'LOST' WHERE id = 10000000004");
  }
  TextQuery query;
  absl::StatusOr<TextPage> page = reader_->FindTexts(query);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(page.status().message(),
            absl::StrCat(path_, ": texts 10000000004: unknown state \"LOST\""));
  absl::StatusOr<StoreStats> stats = reader_->Stats();
  ASSERT_FALSE(stats.ok());
  EXPECT_THAT(stats.status().message(), HasSubstr("unknown state \"LOST\""));
}

}  // namespace
}  // namespace herald
