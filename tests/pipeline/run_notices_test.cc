// What a run tells its operator while it goes on (issue 14, "Trust"): a zone
// whose window can never open is a warning before its recipients time out,
// a stop that waits for a provider says for what and how long, a quiet run
// still says once that it waits for a window, and "in flight" counts the
// texts the provider has, not those queued for it.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/engine.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kHerald = HERALD_BINARY;

// A mock provider that never answers a request.
std::unique_ptr<mock_provider::MockProvider> StartHangingProvider() {
  mock_provider::Options options;
  options.faults.hang_rate = 1;
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(options);
  EXPECT_TRUE(mock.ok()) << mock.status();
  return mock.ok() ? *std::move(mock) : nullptr;
}

// Runs `command` in the background with its output in `log`, sends it
// SIGINT `settle` after the output says `text` (or after 30 s), and waits
// for it. Returns its exit status; `*said` tells whether `text` came before
// the signal.
int InterruptWhenItSays(const std::string& command, const std::string& log,
                        absl::string_view text, bool* said,
                        absl::string_view settle = "0") {
  std::string output;
  const int status = RunCommand(
      absl::StrCat(command, " > ", log, " 2>&1 & pid=$!; i=0; ",
                   "while [ $i -lt 3000 ] && ! grep -qF '", text, "' ", log,
                   "; do sleep 0.01; i=$((i+1)); done; grep -qF '", text, "' ",
                   log, " && echo said > ", log, ".said; sleep ", settle,
                   "; kill -INT $pid; ", "wait $pid"),
      &output);
  *said = absl::StrContains(ReadWholeFile(log + ".said"), "said");
  return status;
}

class RunNoticesTest : public ::testing::Test {
 protected:
  RunNoticesTest() {
    mock_ = StartHangingProvider();
    if (mock_ == nullptr) return;
    dir_.Write("providers.json",
               absl::StrCat(R"({"providers":[{"name":"p","type":"callfire",)",
                            R"("url":"http://127.0.0.1:)", mock_->port(),
                            R"(","timeoutMs":4000}]})"));
  }

  TempDir dir_;
  std::unique_ptr<mock_provider::MockProvider> mock_;
};

// 907 with a window that opens after the broadcast's deadline: the run said
// nothing until its end, when every Alaskan row was already TIMEOUT. Ctrl-C
// with a provider that did not answer said nothing for 30 s.
TEST_F(RunNoticesTest,
       AZoneThatNeverOpensIsAWarningAndAStopSaysWhatItWaitsFor) {
  ASSERT_NE(mock_, nullptr);
  const std::string campaign = dir_.Write("c.json", R"({"message":"Hi",
    "localTimeRestriction": {"enabled": true, "beginHour": 9,
      "beginMinute": 0, "endHour": 10, "endMinute": 0}})");
  // 09:00 in Los Angeles, 08:00 in Anchorage; the broadcast ends at 09:30 in
  // Los Angeles, before Anchorage's window opens.
  const std::string contacts = dir_.Write(
      "contacts.csv", "phoneNumber\n2135551234\n9075551234\n9075551235\n");
  const std::string command = absl::StrCat(
      kHerald, " run --campaign ", campaign, " --contacts ", contacts,
      " --providers ", dir_.File("providers.json"), " --provider p --state ",
      dir_.File("state"), " --clock virtual --start 2026-11-23T17:00:00Z",
      " --deadline 2026-11-23T17:30:00Z");
  const std::string log = dir_.File("run.log");
  bool said = false;
  // Once the progress shows the text with the provider.
  EXPECT_EQ(InterruptWhenItSays(command, log, "no send window opens in", &said,
                                /*settle=*/"1"),
            1);
  EXPECT_TRUE(said) << ReadWholeFile(log);
  const std::string output = ReadWholeFile(log);
  EXPECT_THAT(output, HasSubstr("herald: warning: no send window opens in "
                                "America/Adak&America/Anchorage before the "
                                "broadcast ends"));
  EXPECT_THAT(output, Not(HasSubstr("opens in America/Los_Angeles")));
  EXPECT_THAT(output,
              HasSubstr("herald: stopping: waiting for provider p to answer 1 "
                        "text in flight (at most 4s, its timeoutMs)"));
  EXPECT_THAT(output, HasSubstr("interrupted by a signal"));
  // Said once, though the report repeats it at the end.
  EXPECT_EQ(output.find("no send window opens"),
            output.rfind("no send window opens"))
      << output;
  const std::string db = dir_.File("state/broadcasts/1/broadcast.db");
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM texts WHERE state='TIMEOUT'"),
            2);
}

TEST_F(RunNoticesTest, AWindowThatCanNeverOpenAnywhereIsAWarningAtTheStart) {
  const std::string campaign =
      dir_.Write("c.json", R"({"message":"Hi", "complianceProfile":"tcpa",
    "localTimeRestriction": {"enabled": true, "beginHour": 3,
      "beginMinute": 0, "endHour": 4, "endMinute": 0}})");
  const std::string contacts =
      dir_.Write("contacts.csv", "phoneNumber\n9075551234\n2135551234\n");
  std::string output;
  ASSERT_EQ(
      RunCommand(absl::StrCat(kHerald, " run --quiet --campaign ", campaign,
                              " --contacts ", contacts, " --outbox ",
                              dir_.File("outbox.jsonl"), " --clock virtual"),
                 &output),
      0)
      << output;
  EXPECT_THAT(output, HasSubstr("herald: warning: no send window opens in any "
                                "zone before the broadcast ends"));
  EXPECT_THAT(output, Not(HasSubstr("opens in America")));
}

// --quiet said nothing at all while a run waited hours for a window.
TEST_F(RunNoticesTest, AQuietRunSaysOnceThatItWaitsForAWindow) {
  // A window in Los Angeles that opens two hours from now, on the real
  // clock: the run can only wait.
  absl::TimeZone la;
  ASSERT_TRUE(absl::LoadTimeZone("America/Los_Angeles", &la));
  const int hour = absl::ToCivilHour(absl::Now(), la).hour();
  const std::string campaign = dir_.Write(
      "c.json",
      absl::StrCat(R"({"message":"Hi", "localTimeRestriction": {"enabled":)",
                   R"( true, "beginHour": )", (hour + 2) % 24,
                   R"(, "beginMinute": 0, "endHour": )", (hour + 3) % 24,
                   R"(, "endMinute": 0}})"));
  const std::string contacts =
      dir_.Write("contacts.csv", "phoneNumber\n2135551234\n2135551235\n");
  const std::string log = dir_.File("run.log");
  bool said = false;
  EXPECT_EQ(
      InterruptWhenItSays(absl::StrCat(kHerald, " run --quiet --campaign ",
                                       campaign, " --contacts ", contacts,
                                       " --outbox ", dir_.File("outbox.jsonl"),
                                       " --state ", dir_.File("state")),
                          log, "waiting for a send window", &said),
      1);
  EXPECT_TRUE(said);
  const std::string output = ReadWholeFile(log);
  EXPECT_THAT(output, HasSubstr("herald: waiting for a send window until "));
  EXPECT_THAT(output, HasSubstr("(2 rows waiting, most in "
                                "America/Los_Angeles)"));
  EXPECT_EQ(output.find("waiting for a send window"),
            output.rfind("waiting for a send window"));
  EXPECT_TRUE(ReadWholeFile(dir_.File("outbox.jsonl")).empty());
}

// The progress said every text handed to the transport was "in flight",
// thousands of them, while the provider held one request per lane.
TEST_F(RunNoticesTest, InFlightCountsWhatTheProviderHasNotWhatIsQueued) {
  ASSERT_NE(mock_, nullptr);
  dir_.Write("providers.json",
             absl::StrCat(R"({"providers":[{"name":"p","type":"callfire",)",
                          R"("url":"http://127.0.0.1:)", mock_->port(),
                          R"(","timeoutMs":3000,"batchSize":10,)",
                          R"("maxActive":2}]})"));
  EngineOptions options;
  options.providers_file = dir_.File("providers.json");
  options.workers = 1;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  BroadcastOptions broadcast;
  broadcast.provider = "p";
  absl::StatusOr<BroadcastId> id =
      (*engine)->CreateBroadcast(R"({"message":"Hi"})", broadcast);
  ASSERT_TRUE(id.ok()) << id.status();
  std::string csv = "phoneNumber\n";
  for (int i = 0; i < 200; ++i) absl::StrAppend(&csv, 2135550000 + i, "\n");
  ASSERT_TRUE(
      (*engine)
          ->AddBatch(*id, BatchSource::File(dir_.Write("c.csv", csv)), {})
          .ok());
  ASSERT_TRUE((*engine)->Start(*id).ok());
  BroadcastProgress progress;
  for (int i = 0; i < 500; ++i) {
    absl::StatusOr<BroadcastProgress> p = (*engine)->GetProgress(*id);
    ASSERT_TRUE(p.ok()) << p.status();
    progress = *p;
    if (progress.in_flight + progress.queued == 200 &&
        progress.in_flight == 20) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(progress.in_flight, 20u);  // two requests of ten
  EXPECT_EQ(progress.queued, 180u);
  EXPECT_EQ(progress.answer_timeout, absl::Seconds(3));
  ASSERT_TRUE((*engine)->Stop(*id).ok());
}

}  // namespace
}  // namespace herald
