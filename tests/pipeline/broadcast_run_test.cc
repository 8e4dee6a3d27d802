// End-to-end tests of one run: real CSV files in, the real outbox file out,
// every row's outcome checked.
#include "engine/pipeline/broadcast_run.h"

#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "engine/pipeline/outbox_transport.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/clock.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Keeps every outcome, copying the reason out of the run's buffers.
class RecordingSink : public OutcomeSink {
 public:
  struct Entry {
    RowOutcome outcome;
    std::string reason;
  };
  absl::Status Record(absl::Span<const RowOutcome> outcomes) override {
    for (const RowOutcome& o : outcomes) {
      entries.push_back({o, std::string(o.reason)});
    }
    return absl::OkStatus();
  }
  absl::Status Finish() override { return absl::OkStatus(); }

  // The entry of (batch, recipient id); fails the test when absent.
  const Entry& Get(uint32_t batch, uint64_t recipient_id) const {
    for (const Entry& e : entries) {
      if (e.outcome.batch == batch && e.outcome.recipient_id == recipient_id) {
        return e;
      }
    }
    ADD_FAILURE() << "no outcome for batch " << batch << " row "
                  << recipient_id;
    static const Entry kNone;
    return kNone;
  }

  std::vector<Entry> entries;
};

std::vector<json> ReadJsonLines(const std::string& path) {
  std::vector<json> lines;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(path), '\n', absl::SkipEmpty())) {
    lines.push_back(json::parse(line.begin(), line.end()));
  }
  return lines;
}

void ExpectCountsAddUp(const RunCounts& c) {
  EXPECT_EQ(c.total, c.sent + c.invalid + c.dup + c.dnc + c.too_big + c.errors +
                         c.skipped + c.timeout + c.remaining);
}

class BroadcastRunTest : public ::testing::Test {
 protected:
  BroadcastRunTest() : clock_(absl::FromUnixSeconds(1794000000)) {
    broadcast_.name = "test";
    broadcast_.from_number = "19206596476";
    broadcast_.message = "Hello ${firstName}";
    broadcast_.scrub_duplicates = true;
  }

  // Runs over `contact_paths` into the outbox; returns the report.
  RunReport Run(std::vector<std::string> contact_paths,
                std::vector<std::string> dnc_paths = {}, int workers = 2) {
    RunOptions options;
    options.contact_paths = std::move(contact_paths);
    options.dnc_paths = std::move(dnc_paths);
    options.workers = workers;
    options.csv = csv_;
    options.clock = run_clock_;
    options.deadline = deadline_;
    absl::StatusOr<std::unique_ptr<OutboxTransport>> outbox =
        OutboxTransport::Create(outbox_path_, run_clock_, "run");
    EXPECT_TRUE(outbox.ok()) << outbox.status();
    absl::StatusOr<RunReport> report = RunBroadcast(
        broadcast_, options, transport_ != nullptr ? transport_ : outbox->get(),
        &sink_);
    EXPECT_TRUE(report.ok()) << report.status();
    if (!report.ok()) return {};
    ExpectCountsAddUp(report->totals);
    return *std::move(report);
  }

  absl::Status RunExpectingError(std::vector<std::string> contact_paths,
                                 std::vector<std::string> dnc_paths = {}) {
    RunOptions options;
    options.contact_paths = std::move(contact_paths);
    options.dnc_paths = std::move(dnc_paths);
    absl::StatusOr<std::unique_ptr<OutboxTransport>> outbox =
        OutboxTransport::Create(outbox_path_, &clock_, "run");
    EXPECT_TRUE(outbox.ok());
    absl::StatusOr<RunReport> report =
        RunBroadcast(broadcast_, options, outbox->get(), nullptr);
    EXPECT_FALSE(report.ok());
    return report.status();
  }

  TempDir dir_;
  std::string outbox_path_ = dir_.File("outbox.jsonl");
  VirtualClock clock_;  // Friday 2026-11-06 21:20 UTC, 16:20 in New York
  Clock* run_clock_ = &clock_;
  Transport* transport_ = nullptr;  // null: the outbox
  absl::Time deadline_ = absl::InfiniteFuture();
  Broadcast broadcast_;
  CsvReaderOptions csv_;
  RecordingSink sink_;
};

TEST_F(BroadcastRunTest, EveryCsvAndNumberFormEndsInTheRightState) {
  const std::string contacts =
      dir_.Write("contacts.csv",
                 "\xEF\xBB\xBF"  // a UTF-8 byte order mark, as Excel writes
                 "phoneNumber,firstName,note\r\n"
                 "+1 (213) 555-1234,Alice,\"quoted, with comma\"\r\n"
                 "213.555.1235,\"Bo \"\"Bobby\"\"\",plain\r\n"
                 "\r\n"  // a blank line is not a row
                 "2135551236,Cara,\"two\r\nlines\"\r\n"
                 "1-213-555-1237,Dan,x\r\n"
                 "213-555-1234,Alice again,dup of row 1\r\n"
                 "213-911-5678,Eve,N11 exchange\r\n"
                 "1-800-FLOWERS,Flo,letters\r\n"
                 "213-555-1238,,missing first name\r\n"
                 "213-555-1239,Gus,on the DNC list\r\n"
                 "213-555-1240,Hal,no newline at end");
  const std::string dnc = dir_.Write("dnc.txt", "(213) 555-1239\n");

  const RunReport report = Run({contacts}, {dnc});

  EXPECT_EQ(report.totals.total, 10u);
  EXPECT_EQ(report.totals.sent, 5u);
  EXPECT_EQ(report.totals.dup, 1u);
  EXPECT_EQ(report.totals.invalid, 3u);
  EXPECT_EQ(report.totals.dnc, 1u);
  EXPECT_EQ(report.totals.remaining, 0u);
  ASSERT_EQ(sink_.entries.size(), 10u);

  EXPECT_EQ(sink_.Get(1, 1).outcome.state, RecipientState::kFinished);
  EXPECT_EQ(sink_.Get(1, 1).outcome.result, TextResult::kSent);
  EXPECT_EQ(sink_.Get(1, 3).outcome.line, 5u);  // after the blank line
  EXPECT_EQ(sink_.Get(1, 4).outcome.line, 7u);  // after the two-line field
  EXPECT_EQ(sink_.Get(1, 5).outcome.line, 8u);
  EXPECT_EQ(sink_.Get(1, 5).outcome.state, RecipientState::kDup);
  EXPECT_EQ(sink_.Get(1, 6).outcome.state, RecipientState::kInvalid);
  EXPECT_THAT(sink_.Get(1, 6).reason, HasSubstr("N11"));
  EXPECT_THAT(sink_.Get(1, 7).reason, HasSubstr("letters"));
  EXPECT_THAT(sink_.Get(1, 8).reason, HasSubstr("${firstName}"));
  EXPECT_EQ(sink_.Get(1, 9).outcome.state, RecipientState::kDnc);
  EXPECT_EQ(sink_.Get(1, 9).outcome.result, TextResult::kDnt);
  EXPECT_EQ(sink_.Get(1, 10).outcome.state, RecipientState::kFinished);

  const std::vector<json> outbox = ReadJsonLines(outbox_path_);
  ASSERT_EQ(outbox.size(), 5u);
  EXPECT_EQ(outbox[0]["recipientId"], 1);
  EXPECT_EQ(outbox[0]["batch"], 1);
  EXPECT_EQ(outbox[0]["to"], "12135551234");
  EXPECT_EQ(outbox[0]["from"], "19206596476");
  EXPECT_EQ(outbox[0]["message"], "Hello Alice");
  EXPECT_EQ(outbox[0]["attempt"], 1);
  EXPECT_EQ(outbox[0]["sentAt"], "2026-11-06T21:20:00.000Z");
  EXPECT_EQ(outbox[1]["message"], "Hello Bo \"Bobby\"");
  EXPECT_EQ(outbox[2]["to"], "12135551236");
  EXPECT_EQ(outbox[3]["to"], "12135551237");
  EXPECT_EQ(outbox[4]["to"], "12135551240");
}

TEST_F(BroadcastRunTest, MalformedRowsAreInvalidWithTheirLineAndTheRestIsSent) {
  const std::string big_field(1 << 20, 'a');  // a 1 MiB field
  const std::string contacts = dir_.Write(
      "contacts.csv",
      absl::StrCat("phoneNumber,firstName\n",
                   "2135550001,Ann\n",                            // line 2
                   "2135550002,Ben,extra\n",                      // 3: ragged
                   "2135550003,Ca", std::string(1, '\0'), "t\n",  // 4: NUL
                   "2135550004,D\xC3\x28n\n",       // 5: bad UTF-8
                   "2135550005,", big_field, "\n",  // 6: too long
                   "2135550006,Fay\n",              // 7
                   "2135550007,\"Gil\n",            // 8: quote never closed
                   "2135550008,Hope\n",             // 9: so inside it
                   "2135550009,Ira\n"));            // 10: and so is this

  const RunReport report = Run({contacts});

  EXPECT_EQ(report.totals.total, 7u);
  EXPECT_EQ(report.totals.invalid, 5u);
  EXPECT_EQ(report.totals.sent, 2u);
  std::map<uint64_t, std::string> invalid_by_line;
  for (const auto& e : sink_.entries) {
    if (e.outcome.state == RecipientState::kInvalid) {
      invalid_by_line[e.outcome.line] = e.reason;
    }
  }
  ASSERT_EQ(invalid_by_line.size(), 5u);
  EXPECT_THAT(invalid_by_line[3], HasSubstr("3 fields but the header has 2"));
  EXPECT_THAT(invalid_by_line[4], HasSubstr("NUL"));
  EXPECT_THAT(invalid_by_line[5], HasSubstr("invalid UTF-8"));
  EXPECT_THAT(invalid_by_line[6], HasSubstr("record longer than"));
  EXPECT_THAT(invalid_by_line[8],
              HasSubstr("never closes: lines 8-10 (to the end of the file)"));
  // Rows after every problem were still sent, but nothing inside the quote
  // that never closed: what looks like rows there is that field's text.
  std::vector<std::string> sent_to;
  for (const json& line : ReadJsonLines(outbox_path_)) {
    sent_to.push_back(line["to"]);
  }
  EXPECT_THAT(sent_to, ::testing::ElementsAre("12135550001", "12135550006"));
  // The report names the file and line of each.
  ASSERT_EQ(report.invalid_samples.size(), 5u);
  EXPECT_EQ(report.invalid_samples[0].path, contacts);
  EXPECT_EQ(report.invalid_samples[0].line, 3u);
}

TEST_F(BroadcastRunTest, RowMessageOverridesTheBroadcastMessage) {
  const std::string contacts = dir_.Write(
      "contacts.csv",
      "phoneNumber,firstName,ticket,message\n"
      "2135550001,Ann,7,\n"
      "2135550002,Ben,9,\"Hi ${firstName}, ticket ${ticket} is ready\"\n"
      "2135550003,Cy,,\"Ticket ${ticket}\"\n");
  const RunReport report = Run({contacts});
  EXPECT_EQ(report.totals.sent, 2u);
  EXPECT_EQ(report.totals.invalid, 1u);
  const std::vector<json> outbox = ReadJsonLines(outbox_path_);
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0]["message"], "Hello Ann");
  EXPECT_EQ(outbox[1]["message"], "Hi Ben, ticket 9 is ready");
  EXPECT_THAT(sink_.Get(1, 3).reason, HasSubstr("${ticket}"));
}

TEST_F(BroadcastRunTest, SeveralFilesAreSeveralBatchesAndDuplicatesSpanThem) {
  const std::string first = dir_.Write(
      "a.csv", "phoneNumber,firstName\n2135550001,Ann\n2135550002,Ben\n");
  const std::string second = dir_.Write(
      "b.csv",
      "mobilePhone,firstName\n(213) 555-0002,Ben again\n2135550003,Cy\n");
  const RunReport report = Run({first, second});
  ASSERT_EQ(report.batches.size(), 2u);
  EXPECT_EQ(report.batches[0].counts.sent, 2u);
  EXPECT_EQ(report.batches[1].counts.dup, 1u);
  EXPECT_EQ(report.batches[1].counts.sent, 1u);
  EXPECT_EQ(report.batches[1].path, second);
  EXPECT_EQ(sink_.Get(2, 1).outcome.state, RecipientState::kDup);
  const std::vector<json> outbox = ReadJsonLines(outbox_path_);
  ASSERT_EQ(outbox.size(), 3u);
  EXPECT_EQ(outbox[2]["batch"], 2);
  EXPECT_EQ(outbox[2]["recipientId"], 2);
}

TEST_F(BroadcastRunTest, DuplicatesAreSentWhenScrubbingIsOff) {
  broadcast_.scrub_duplicates = false;
  const std::string contacts = dir_.Write(
      "contacts.csv", "phoneNumber,firstName\n2135550001,A\n2135550001,B\n");
  const RunReport report = Run({contacts});
  EXPECT_EQ(report.totals.sent, 2u);
  EXPECT_EQ(report.totals.dup, 0u);
}

TEST_F(BroadcastRunTest, ResultsDoNotDependOnWorkersOrChunkSize) {
  // Many rows over many tiny chunks, with duplicates far apart.
  std::string text = "phoneNumber,firstName\n";
  for (int i = 0; i < 3000; ++i) {
    absl::StrAppend(&text, "213555", 1000 + i % 2500, ",\"n", i, "\"\n");
  }
  const std::string contacts = dir_.Write("contacts.csv", text);

  csv_.chunk_bytes = 512;
  // Outcomes arrive as the transport answers; compare them in row order.
  auto by_row = [](std::vector<RecordingSink::Entry> entries) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) {
                       return a.outcome.recipient_id < b.outcome.recipient_id;
                     });
    return entries;
  };
  const RunReport many = Run({contacts}, {}, 4);
  const std::string many_outbox = ReadWholeFile(outbox_path_);
  const auto many_entries = by_row(sink_.entries);
  sink_.entries.clear();
  csv_ = CsvReaderOptions();
  const RunReport one = Run({contacts}, {}, 1);
  sink_.entries = by_row(sink_.entries);

  EXPECT_EQ(many.totals.sent, 2500u);
  EXPECT_EQ(many.totals.dup, 500u);
  EXPECT_EQ(one.totals.sent, many.totals.sent);
  EXPECT_EQ(ReadWholeFile(outbox_path_), many_outbox);
  ASSERT_EQ(sink_.entries.size(), many_entries.size());
  for (size_t i = 0; i < many_entries.size(); ++i) {
    EXPECT_EQ(sink_.entries[i].outcome.recipient_id,
              many_entries[i].outcome.recipient_id);
    EXPECT_EQ(sink_.entries[i].outcome.state, many_entries[i].outcome.state);
  }
}

TEST_F(BroadcastRunTest, BigMessageStrategiesDecideLongTexts) {
  broadcast_.message = "${body}";
  const std::string gsm_400(400, 'g');                  // 3 GSM-7 segments
  const std::string gsm_161(161, 'h');                  // 2 GSM-7 segments
  std::string ucs_100;                                  // 2 UCS-2 segments
  for (int i = 0; i < 100; ++i) ucs_100 += "\xC3\xA7";  // ç, not GSM-7
  const std::string contacts = dir_.Write(
      "contacts.csv", absl::StrCat("phoneNumber,body\n", "2135550001,", gsm_400,
                                   "\n2135550002,", gsm_161, "\n2135550003,",
                                   ucs_100, "\n2135550004,short\n"));

  broadcast_.max_segments = 2;  // SEND_MULTIPLE, capped
  RunReport report = Run({contacts});
  EXPECT_EQ(report.totals.sent, 3u);
  EXPECT_EQ(report.totals.too_big, 1u);
  EXPECT_EQ(report.totals.segments, 2u + 2u + 1u);
  EXPECT_EQ(sink_.Get(1, 1).outcome.state, RecipientState::kFinished);
  EXPECT_EQ(sink_.Get(1, 1).outcome.result, TextResult::kTooBig);
  EXPECT_THAT(sink_.Get(1, 1).reason, HasSubstr("3 segments"));
  std::vector<json> outbox = ReadJsonLines(outbox_path_);
  ASSERT_EQ(outbox.size(), 3u);
  EXPECT_EQ(outbox[0]["segments"], 2);
  EXPECT_EQ(outbox[0]["encoding"], "GSM-7");
  EXPECT_EQ(outbox[1]["encoding"], "UCS-2");

  sink_.entries.clear();
  broadcast_.big_message_strategy = BigMessageStrategy::kTrim;
  report = Run({contacts});
  EXPECT_EQ(report.totals.sent, 4u);
  EXPECT_EQ(report.totals.segments, 4u);
  outbox = ReadJsonLines(outbox_path_);
  ASSERT_EQ(outbox.size(), 4u);
  EXPECT_EQ(outbox[0]["message"], std::string(160, 'g'));
  EXPECT_EQ(outbox[1]["message"], std::string(160, 'h'));
  EXPECT_EQ(outbox[2]["message"], ucs_100.substr(0, 70 * 2));  // 70 × ç
  EXPECT_EQ(outbox[2]["segments"], 1);
  EXPECT_EQ(outbox[3]["message"], "short");

  sink_.entries.clear();
  broadcast_.big_message_strategy = BigMessageStrategy::kDoNotSend;
  report = Run({contacts});
  EXPECT_EQ(report.totals.sent, 1u);
  EXPECT_EQ(report.totals.too_big, 3u);
  EXPECT_THAT(sink_.Get(1, 3).reason, HasSubstr("UCS-2 message of 2 segments"));
}

TEST_F(BroadcastRunTest, SmartEncodingKeepsTypographyInGsm7) {
  broadcast_.message =
      "It\xE2\x80\x99s \xE2\x80\x9C${firstName}\xE2\x80\x9D \xE2\x80\x94 "
      "ok\xE2\x80\xA6";
  const std::string contacts =
      dir_.Write("contacts.csv", "phoneNumber,firstName\n2135550001,Ann\n");
  Run({contacts});
  std::vector<json> outbox = ReadJsonLines(outbox_path_);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0]["encoding"], "UCS-2");

  broadcast_.smart_encoding = true;
  Run({contacts});
  outbox = ReadJsonLines(outbox_path_);
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0]["message"], "It's \"Ann\" - ok...");
  EXPECT_EQ(outbox[0]["encoding"], "GSM-7");
}

TEST_F(BroadcastRunTest, AnEmptyMessageIsNotSent) {
  broadcast_.message = "${note}";
  broadcast_.template_options.missing = MissingAttributePolicy::kEmpty;
  const std::string contacts = dir_.Write(
      "contacts.csv", "phoneNumber,note\n2135550001,\n2135550002,hi\n");
  const RunReport report = Run({contacts});
  EXPECT_EQ(report.totals.invalid, 1u);
  EXPECT_EQ(report.totals.sent, 1u);
  EXPECT_THAT(sink_.Get(1, 1).reason, HasSubstr("empty"));
}

// A campaign mixing GSM-7 and UCS-2 texts of many lengths: the segments the
// report counts equal those worked out here from the lengths alone.
TEST_F(BroadcastRunTest, SegmentTotalsMatchAnIndependentCount) {
  broadcast_.message = "${body}";
  std::mt19937 rng(11);
  std::string text = "phoneNumber,body\n";
  uint64_t expected = 0;
  for (int i = 0; i < 2000; ++i) {
    const bool ucs2 = rng() % 3 == 0;
    const int length = 1 + static_cast<int>(rng() % (ucs2 ? 400 : 1000));
    std::string body;
    for (int k = 0; k < length; ++k) {
      // Plain letters, and for UCS-2 texts a Greek small alpha (U+03B1, one
      // UTF-16 unit, not in GSM-7) among them.
      body += (ucs2 && k % 5 == 0) ? "\xCE\xB1" : std::string(1, 'a' + k % 26);
    }
    if (ucs2) {
      expected += length <= 70 ? 1 : (length + 66) / 67;
    } else {
      expected += length <= 160 ? 1 : (length + 152) / 153;
    }
    absl::StrAppend(&text, 2135550000 + i, ",", body, "\n");
  }
  broadcast_.max_segments = 255;
  const RunReport report = Run({dir_.Write("contacts.csv", text)});
  EXPECT_EQ(report.totals.sent, 2000u);
  EXPECT_EQ(report.totals.segments, expected);
  uint64_t in_outbox = 0;
  for (const json& line : ReadJsonLines(outbox_path_)) {
    in_outbox += line["segments"].get<uint64_t>();
  }
  EXPECT_EQ(in_outbox, expected);
}

TEST_F(BroadcastRunTest, AFailingTransportStopsTheRunAndLeavesRowsRemaining) {
  // /dev/full accepts the open and fails every write: a real full disk.
  outbox_path_ = "/dev/full";
  const std::string contacts = dir_.Write(
      "contacts.csv", "phoneNumber,firstName\n2135550001,A\n2135550002,B\n");
  const RunReport report = Run({contacts});
  EXPECT_FALSE(report.status.ok());
  EXPECT_THAT(std::string(report.status.message()), HasSubstr("/dev/full"));
  EXPECT_EQ(report.totals.sent, 0u);
  EXPECT_EQ(report.totals.remaining, 2u);
  for (const auto& e : sink_.entries) {
    EXPECT_EQ(e.outcome.state, RecipientState::kSelected);
  }
}

TEST_F(BroadcastRunTest, FilesThatCannotBeUsedFailBeforeAnythingIsSent) {
  const std::string good =
      dir_.Write("good.csv", "phoneNumber,firstName\n2135550001,A\n");
  EXPECT_THAT(std::string(RunExpectingError({dir_.File("nope.csv")}).message()),
              HasSubstr("nope.csv"));
  EXPECT_THAT(
      std::string(
          RunExpectingError({good}, {dir_.File("nodnc.txt")}).message()),
      HasSubstr("nodnc.txt"));
  const std::string no_phone = dir_.Write("nophone.csv", "name,city\nA,B\n");
  EXPECT_THAT(std::string(RunExpectingError({good, no_phone}).message()),
              HasSubstr("nophone.csv:1: header: no phone column"));
  const std::string empty = dir_.Write("empty.csv", "");
  EXPECT_THAT(std::string(RunExpectingError({empty}).message()),
              HasSubstr("empty file"));
  broadcast_.message.clear();
  EXPECT_THAT(std::string(RunExpectingError({good}).message()),
              HasSubstr("no message column"));
  // Nothing was written to the outbox by any of these.
  EXPECT_EQ(ReadWholeFile(outbox_path_), "");
}

// Waiting for windows. The clock starts on Friday 2026-11-06 at 21:20 UTC:
// 16:20 in New York, 13:20 in Los Angeles, 11:20 in Honolulu.
class WaitingRunTest : public BroadcastRunTest {
 protected:
  WaitingRunTest() {
    broadcast_.local_time_restriction = {true, {17, 0, 0}, {20, 0, 0}};
    broadcast_.resume_next_day = true;
  }

  std::string Contacts() {
    return dir_.Write("contacts.csv",
                      "phoneNumber,firstName\n"
                      "808-555-0101,Hana\n"  // Honolulu
                      "213-555-0102,Lou\n"   // Los Angeles
                      "212-555-0103,Nia\n"   // New York
                      "213-555-0102,Lou again\n");
  }
};

TEST_F(WaitingRunTest, RowsWaitForTheirWindowAndGoWhenItOpens) {
  const RunReport report = Run({Contacts()});
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, 3u);
  EXPECT_EQ(report.totals.dup, 1u);  // the first row of a number wins, waiting
  EXPECT_EQ(report.totals.remaining, 0u);
  ASSERT_EQ(report.passes.size(), 4u);  // the first, then one per opening
  EXPECT_EQ(report.passes[0].waiting, 3u);
  EXPECT_EQ(sink_.entries.size(), 4u);  // one outcome per row

  // Each went at 17:00 on its own wall clock, New York first.
  const std::vector<json> lines = ReadJsonLines(outbox_path_);
  ASSERT_EQ(lines.size(), 3u);
  const std::pair<const char*, const char*> expected[] = {
      {"America/New_York", "2026-11-06T22:00:00.000Z"},
      {"America/Los_Angeles", "2026-11-07T01:00:00.000Z"},
      {"Pacific/Honolulu", "2026-11-07T03:00:00.000Z"}};
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["zone"], expected[i].first);
    EXPECT_EQ(lines[i]["sentAt"], expected[i].second);
    EXPECT_EQ(lines[i]["localTime"], "2026-11-06T17:00:00");
  }
  EXPECT_EQ(sink_.Get(1, 2).outcome.state, RecipientState::kFinished);
  EXPECT_EQ(sink_.Get(1, 4).outcome.state, RecipientState::kDup);
}

TEST_F(WaitingRunTest, NoWindowBeforeTheStopDateEndsTimeout) {
  // The broadcast's schedule ends at 22:00 in New York today: 17:00 in
  // Honolulu comes at 22:00 New York time, too late.
  Schedule schedule;
  schedule.time_zone = "America/New_York";
  schedule.stop_time_of_day = TimeOfDay{22, 0, 0};
  schedule.stop_date = absl::CivilDay(2026, 11, 6);
  broadcast_.schedules = {schedule};
  const RunReport report = Run({Contacts()});
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, 2u);
  EXPECT_EQ(report.totals.timeout, 1u);
  const RecordingSink::Entry& honolulu = sink_.Get(1, 1);
  EXPECT_EQ(honolulu.outcome.state, RecipientState::kTimeout);
  EXPECT_THAT(honolulu.reason, HasSubstr("Pacific/Honolulu"));
  EXPECT_EQ(ReadJsonLines(outbox_path_).size(), 2u);
}

TEST_F(WaitingRunTest, TheDeadlineEndsWhatIsStillWaiting) {
  deadline_ = clock_.Now() + absl::Hours(2);  // New York's window only
  const RunReport report = Run({Contacts()});
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, 1u);
  EXPECT_EQ(report.totals.timeout, 2u);
  EXPECT_EQ(sink_.Get(1, 3).outcome.state, RecipientState::kFinished);
  EXPECT_EQ(sink_.Get(1, 2).outcome.state, RecipientState::kTimeout);
}

TEST_F(WaitingRunTest, UnknownZoneIsSkippedUnderTheSkipPolicy) {
  broadcast_.unknown_zone_policy = {UnknownZonePolicy::kSkip, ""};
  const std::string contacts =
      dir_.Write("contacts.csv", "phoneNumber,firstName\n800-555-0100,Toll\n");
  const RunReport report = Run({contacts});
  EXPECT_EQ(report.totals.skipped, 1u);
  const RecordingSink::Entry& entry = sink_.Get(1, 1);
  EXPECT_EQ(entry.outcome.state, RecipientState::kSkipped);
  EXPECT_THAT(entry.reason, HasSubstr("unknownZonePolicy"));
}

// A clock whose first idle moment edits the contacts file, as a person
// might while a broadcast waits overnight.
class EditingClock : public VirtualClock {
 public:
  EditingClock(absl::Time start, std::string path)
      : VirtualClock(start), path_(std::move(path)) {}
  void SleepUntil(absl::Time t, const std::atomic<bool>* interrupt) override {
    if (!edited_) {
      edited_ = true;
      FILE* f = fopen(path_.c_str(), "a");
      fputs("415-555-0199,Late\n", f);
      fclose(f);
    }
    VirtualClock::SleepUntil(t, interrupt);
  }

 private:
  std::string path_;
  bool edited_ = false;
};

TEST_F(WaitingRunTest, AContactsFileChangedWhileRowsWaitStopsTheRun) {
  const std::string contacts = Contacts();
  EditingClock clock(clock_.Now(), contacts);
  run_clock_ = &clock;
  const RunReport report = Run({contacts});
  EXPECT_EQ(report.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status.message(), HasSubstr("contacts.csv"));
  EXPECT_THAT(report.status.message(), HasSubstr("changed"));
  EXPECT_EQ(report.totals.sent, 0u);
  EXPECT_EQ(report.totals.remaining, 3u);  // waiting, never sent
}

// Retries. A transport that answers each attempt as a script says, and
// remembers when (on the run's clock) each attempt was handed over.
class ScriptedTransport : public Transport {
 public:
  struct Answer {
    DeliveryStatus status = DeliveryStatus::kSent;
    TextResult result = TextResult::kSent;
    bool maybe_taken = false;
  };
  // The answer to attempt `attempt` for the number `to`.
  using Script = std::function<Answer(PhoneNumber to, int attempt)>;
  struct Attempt {
    int attempt;
    int key_attempt;
    absl::Time at;
  };

  ScriptedTransport(Clock* clock, Script script)
      : clock_(clock), script_(std::move(script)) {}

  absl::Status Submit(absl::Span<const OutboundText> texts) override {
    for (const OutboundText& text : texts) {
      attempts_[text.to].push_back(
          {text.attempt, text.key_attempt, clock_->Now()});
      const Answer answer = script_(text.to, text.attempt);
      Delivery& d = answered_.emplace_back(DeliveryFor(text));
      d.status = answer.status;
      d.result = answer.result;
      d.maybe_taken = answer.maybe_taken;
      if (answer.status != DeliveryStatus::kSent) d.detail = "scripted";
    }
    return absl::OkStatus();
  }
  absl::Status Collect(absl::Duration, std::vector<Delivery>* out) override {
    for (Delivery& d : answered_) out->push_back(std::move(d));
    answered_.clear();
    return absl::OkStatus();
  }
  absl::Status Finish() override { return absl::OkStatus(); }

  const std::vector<Attempt>& attempts(PhoneNumber to) { return attempts_[to]; }

 private:
  Clock* clock_;
  Script script_;
  std::vector<Delivery> answered_;
  std::map<PhoneNumber, std::vector<Attempt>> attempts_;
};

class RetryRunTest : public BroadcastRunTest {
 protected:
  static constexpr PhoneNumber kLucky = 12135550001;  // fails twice, then SENT
  static constexpr PhoneNumber kDown = 12135550002;   // INTERNAL_ERROR always
  static constexpr PhoneNumber kBad = 12135550003;    // CARRIER_ERROR
  static constexpr PhoneNumber kRefused = 12135550004;  // rejected: INVALID

  RetryRunTest()
      : transport_impl_(&clock_, [](PhoneNumber to, int attempt) {
          using Answer = ScriptedTransport::Answer;
          switch (to) {
            case kLucky:
              return attempt < 3 ? Answer{DeliveryStatus::kFailed,
                                          TextResult::kCarrierTempError, false}
                                 : Answer{};
            case kDown:
              return Answer{DeliveryStatus::kFailed, TextResult::kInternalError,
                            true};
            case kBad:
              return Answer{DeliveryStatus::kFailed, TextResult::kCarrierError,
                            false};
            case kRefused:
              return Answer{DeliveryStatus::kRejected,
                            TextResult::kInternalError, false};
          }
          return Answer{};
        }) {
    transport_ = &transport_impl_;
    broadcast_.retry_config.max_attempts = 3;
    broadcast_.retry_config.minutes_between_attempts = 5;
  }

  std::string Contacts() {
    return dir_.Write("contacts.csv",
                      "phoneNumber,firstName\n"
                      "2135550001,Lucky\n2135550002,Down\n"
                      "2135550003,Bad\n2135550004,Refused\n"
                      "2135550005,Fine\n");
  }

  // The entries the sink recorded for `to`, in order.
  std::vector<RecordingSink::Entry> EntriesFor(PhoneNumber to) {
    std::vector<RecordingSink::Entry> entries;
    for (const auto& e : sink_.entries) {
      if (e.outcome.to == to) entries.push_back(e);
    }
    return entries;
  }

  ScriptedTransport transport_impl_;
};

TEST_F(RetryRunTest, FailedAttemptsRetryAsConfiguredAndEveryAttemptIsRecorded) {
  const absl::Time start = clock_.Now();
  const RunReport report = Run({Contacts()});
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, 2u);    // Lucky on its third attempt, Fine
  EXPECT_EQ(report.totals.errors, 2u);  // Down after 3 attempts, Bad after 1
  EXPECT_EQ(report.totals.invalid, 1u);
  EXPECT_EQ(report.totals.remaining, 0u);

  // Spaced by minutesBetweenAttempts on the run's clock.
  const auto& lucky = transport_impl_.attempts(kLucky);
  ASSERT_EQ(lucky.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(lucky[i].attempt, i + 1);
    EXPECT_EQ(lucky[i].at, start + absl::Minutes(5 * i));
  }
  EXPECT_EQ(transport_impl_.attempts(kDown).size(), 3u);
  EXPECT_EQ(transport_impl_.attempts(kBad).size(), 1u);  // not a retry result

  // CALLBACK for each failed attempt that is retried, then the final state.
  std::vector<std::pair<RecipientState, int>> lucky_states;
  for (const auto& e : EntriesFor(kLucky)) {
    lucky_states.emplace_back(e.outcome.state, e.outcome.attempt);
  }
  EXPECT_THAT(lucky_states,
              ::testing::ElementsAre(std::pair(RecipientState::kCallback, 1),
                                     std::pair(RecipientState::kCallback, 2),
                                     std::pair(RecipientState::kFinished, 3)));
  const auto down = EntriesFor(kDown);
  ASSERT_EQ(down.size(), 3u);
  EXPECT_EQ(down.back().outcome.state, RecipientState::kFinished);
  EXPECT_EQ(down.back().outcome.result, TextResult::kInternalError);
  EXPECT_EQ(down.back().outcome.attempt, 3);
  const auto refused = EntriesFor(kRefused);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].outcome.state, RecipientState::kInvalid);
  EXPECT_EQ(refused[0].reason, "scripted");
}

TEST_F(RetryRunTest, ARetryAfterAnUnansweredAttemptKeepsItsIdempotencyKey) {
  Run({Contacts()});
  // Down's attempts may each have reached the provider: one key for all.
  for (const auto& a : transport_impl_.attempts(kDown)) {
    EXPECT_EQ(a.key_attempt, 1) << "attempt " << a.attempt;
  }
  // Lucky's failures were answered: each attempt has a key of its own.
  for (const auto& a : transport_impl_.attempts(kLucky)) {
    EXPECT_EQ(a.key_attempt, a.attempt);
  }
}

TEST_F(RetryRunTest, RetryResultsChooseWhatIsRetried) {
  broadcast_.retry_config.retry_results = {TextResult::kCarrierError};
  const RunReport report = Run({Contacts()});
  EXPECT_EQ(transport_impl_.attempts(kBad).size(), 3u);
  EXPECT_EQ(transport_impl_.attempts(kDown).size(), 1u);
  EXPECT_EQ(transport_impl_.attempts(kLucky).size(), 1u);
  EXPECT_EQ(report.totals.errors, 3u);
}

TEST_F(RetryRunTest, ZeroMinutesRetriesAtOnce) {
  broadcast_.retry_config.minutes_between_attempts = 0;
  const absl::Time start = clock_.Now();
  const RunReport report = Run({Contacts()});
  EXPECT_EQ(report.totals.sent, 2u);
  for (const auto& a : transport_impl_.attempts(kLucky)) {
    EXPECT_EQ(a.at, start);
  }
}

TEST_F(RetryRunTest, ARetryWaitsForTheRecipientsWindow) {
  // The clock says 13:20 in Los Angeles, where the numbers are; the window
  // closes at 13:30, before the retry is due, and opens again at 09:00 the
  // next day.
  broadcast_.local_time_restriction = {true, {9, 0, 0}, {13, 30, 0}};
  broadcast_.resume_next_day = true;
  broadcast_.retry_config.minutes_between_attempts = 15;
  const RunReport report = Run({Contacts()});
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(report.totals.sent, 2u);
  const absl::TimeZone los_angeles = LoadZone("America/Los_Angeles");
  const auto& lucky = transport_impl_.attempts(kLucky);
  ASSERT_EQ(lucky.size(), 3u);
  EXPECT_EQ(absl::FormatTime("%a %H:%M", lucky[1].at, los_angeles),
            "Sat 09:00");
  EXPECT_EQ(absl::FormatTime("%a %H:%M", lucky[2].at, los_angeles),
            "Sat 09:15");
}

TEST_F(RetryRunTest, ARetryWithNoWindowLeftEndsTimeout) {
  broadcast_.local_time_restriction = {true, {9, 0, 0}, {13, 30, 0}};
  broadcast_.resume_next_day = false;  // the first window is the only one
  broadcast_.retry_config.minutes_between_attempts = 15;
  const RunReport report = Run({Contacts()});
  EXPECT_EQ(report.totals.timeout, 2u);  // Lucky and Down, after attempt 1
  const auto lucky = EntriesFor(kLucky);
  ASSERT_EQ(lucky.size(), 2u);
  EXPECT_EQ(lucky[1].outcome.state, RecipientState::kTimeout);
  EXPECT_EQ(lucky[1].outcome.attempt, 1);
}

}  // namespace
}  // namespace herald
