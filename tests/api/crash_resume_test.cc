// herald killed with SIGKILL at random moments across one broadcast, against
// the mock provider with its faults on, and started again each time with the
// same command: in the end every row is final, the mock took every sendable
// message exactly once, and the store's counts equal the mock's.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

constexpr int kRows = 100000;
constexpr int kKills = 20;

// Starts `argv` with stdout and stderr into `log`; returns its pid.
// Writes dir/providers.json: provider "cf", CallFire at the mock on `port`,
// with `knobs` (JSON members) added.
void WriteProviders(const TempDir& dir, int port, absl::string_view knobs) {
  dir.Write(
      "providers.json",
      absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                   R"("url":"http://127.0.0.1:)", port, R"(",)", knobs, "}]}"));
}

// `herald run` over dir's campaign and contacts through "cf", keeping its
// state in dir/state.
std::vector<std::string> RunCommandLine(const TempDir& dir) {
  return {HERALD_BINARY, "run",
          "--campaign",  dir.File("campaign.json"),
          "--contacts",  dir.File("contacts.csv"),
          "--providers", dir.File("providers.json"),
          "--provider",  "cf",
          "--state",     dir.File("state")};
}

// The store of the last broadcast of the state directory `state`: a run
// killed while it set up its broadcast sent nothing, and the next one sets
// up another.
std::string LastStore(const std::string& state) {
  int64_t last = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(state + "/broadcasts")) {
    int64_t id = 0;
    if (absl::SimpleAtoi(entry.path().filename().string(), &id)) {
      last = std::max(last, id);
    }
  }
  return absl::StrCat(state, "/broadcasts/", last, "/broadcast.db");
}

// The numbers of the texts the store says were sent.
std::multiset<std::string> SentNumbers(const std::string& path) {
  std::multiset<std::string> numbers;
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT to_number FROM texts WHERE state = 'FINISHED' "
                     "AND result = 'SENT'",
                     -1, &stmt, nullptr);
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    numbers.insert(std::to_string(sqlite3_column_int64(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return numbers;
}

TEST(CrashResumeTest, EveryRowFinalAndEveryMessageOnceAfterTwentyKills) {
  TempDir dir;
  std::string output;
  ASSERT_EQ(RunCommand(absl::StrCat(HERALD_GEN_BINARY, " --rows ", kRows,
                                    " --out ", dir.File("contacts.csv"),
                                    " --seed 5 --dup-rate 0.01 "
                                    "--invalid-rate 0.01 --quiet"),
                       &output),
            0)
      << output;
  dir.Write("campaign.json",
            R"({"name":"crash","fromNumber":"19206596476",)"
            R"("message":"Hello ${firstName}, the food bank opens at 9",)"
            R"("scrubDuplicates":true,)"
            R"("retryConfig":{"maxAttempts":20,"minutesBetweenAttempts":0}})");

  mock_provider::Options mock_options;
  mock_options.user = "herald";
  mock_options.password = "mock-secret";
  mock_options.log_path = dir.File("arrived.jsonl");
  mock_options.seed = 3;
  mock_options.faults.error_rate = 0.03;
  mock_options.faults.reset_rate = 0.01;
  mock_options.faults.garbage_rate = 0.01;
  mock_options.faults.hang_rate = 0.002;
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  // Slow enough that twenty kills land inside the broadcast.
  WriteProviders(dir, (*mock)->port(),
                 R"("username":"herald",)"
                 R"("passwordEnv":"HERALD_TEST_MOCK_PASSWORD",)"
                 R"("batchSize":50,"timeoutMs":1000,)"
                 R"("messagesPerSecond":8000,"burst":400,"maxActive":8)");
  setenv("HERALD_TEST_MOCK_PASSWORD", "mock-secret", 1);
  std::vector<std::string> command = RunCommandLine(dir);
  command.push_back("--quiet");
  const std::string log = dir.File("herald.log");

  std::mt19937 random(20261122);
  std::uniform_int_distribution<int> delay_ms(150, 700);
  int kills = 0;
  while (kills < kKills) {
    const pid_t pid = SpawnWithLog(command, log);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, WNOHANG), 0)
        << "the broadcast ended after " << kills << " kills, before " << kKills
        << ":\n"
        << ReadWholeFile(log);
    kill(pid, SIGKILL);
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    ++kills;
  }
  // The last run goes to the end.
  const pid_t pid = SpawnWithLog(command, log);
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << ReadWholeFile(log);
  ASSERT_TRUE((*mock)->Stop().ok());
  const mock_provider::Stats mock_stats = (*mock)->stats();

  // Every row is final in the store.
  const std::string db = LastStore(dir.File("state"));
  EXPECT_EQ(QueryInt(db, "SELECT size FROM batches WHERE id = 1"), kRows);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM texts"), kRows);
  EXPECT_EQ(QueryInt(db,
                     "SELECT count(*) FROM texts WHERE state IN "
                     "('READY', 'SELECTED', 'CALLBACK', 'DISABLED')"),
            0);
  EXPECT_EQ(QueryInt(db, "SELECT status = 'FINISHED' FROM broadcast"), 1);

  // The mock took each message once: its log has each number once, the
  // numbers the store says were sent, and nothing else.
  std::multiset<std::string> arrived;
  std::set<std::string> keys;
  for (absl::string_view line : absl::StrSplit(
           ReadWholeFile(dir.File("arrived.jsonl")), '\n', absl::SkipEmpty())) {
    const nlohmann::json message = nlohmann::json::parse(line);
    arrived.insert(message.at("to").get<std::string>());
    keys.insert(message.at("key").get<std::string>());
  }
  std::set<std::string> distinct(arrived.begin(), arrived.end());
  EXPECT_EQ(distinct.size(), arrived.size()) << "a number arrived twice";
  EXPECT_EQ(keys.size(), arrived.size());
  const std::multiset<std::string> sent = SentNumbers(db);
  EXPECT_EQ(sent, arrived);

  // The store's counts are the mock's.
  EXPECT_EQ(QueryInt(db,
                     "SELECT count(*) FROM texts WHERE state = 'FINISHED' "
                     "AND result = 'SENT'"),
            mock_stats.accepted);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM attempts WHERE result = 'SENT'"),
            mock_stats.accepted);
  // Every sendable row was sent: the faults were all retried away.
  EXPECT_EQ(QueryInt(db,
                     "SELECT count(*) FROM texts WHERE state = 'FINISHED' "
                     "AND result <> 'SENT'"),
            0);
  // And `herald stats` says the same.
  ASSERT_EQ(RunCommand(absl::StrCat(HERALD_BINARY, " stats --state ",
                                    dir.File("state")),
                       &output),
            0)
      << output;
  const nlohmann::json stats = nlohmann::json::parse(output);
  EXPECT_EQ(stats["sentCount"], mock_stats.accepted);
  EXPECT_EQ(stats["totalCount"], kRows);
  EXPECT_EQ(stats["remainingOutboundCount"], 0);
  EXPECT_EQ(
      stats["sentCount"].get<int64_t>() + stats["unsentCount"].get<int64_t>(),
      kRows);
  std::cerr << "kills " << kills << ", mock accepted " << mock_stats.accepted
            << ", duplicates dropped " << mock_stats.duplicates << ", faults "
            << mock_stats.errors_500 + mock_stats.errors_503 +
                   mock_stats.resets + mock_stats.hangs + mock_stats.garbage
            << "\n";
}

// SIGTERM (as a service manager stops it): the run collects what is in
// flight, records it, says STOPPED and exits; the next run finishes.
TEST(CrashResumeTest, SigtermDrainsRecordsAndResumes) {
  TempDir dir;
  std::string output;
  constexpr int kSmallRows = 20000;
  ASSERT_EQ(RunCommand(absl::StrCat(HERALD_GEN_BINARY, " --rows ", kSmallRows,
                                    " --out ", dir.File("contacts.csv"),
                                    " --seed 9 --quiet"),
                       &output),
            0)
      << output;
  dir.Write("campaign.json", R"({"name":"term","fromNumber":"19206596476",)"
                             R"("message":"Hello ${firstName}"})");
  mock_provider::Options mock_options;
  mock_options.log_path = dir.File("arrived.jsonl");
  mock_options.faults.latency_ms = 200;  // answers still due at the signal
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  WriteProviders(dir, (*mock)->port(),
                 R"("batchSize":20,"messagesPerSecond":4000,"burst":200,)"
                 R"("maxActive":8)");
  const std::vector<std::string> command = RunCommandLine(dir);
  const std::string log = dir.File("herald.log");
  const pid_t pid = SpawnWithLog(command, log);
  ASSERT_GT(pid, 0);
  // The signal comes once the provider has taken a first share of the texts
  // (the lanes make the whole take 5 s), however slow the machine.
  for (int i = 0; i < 3000 && (*mock)->stats().accepted < 1000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GE((*mock)->stats().accepted, 1000) << ReadWholeFile(log);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << ReadWholeFile(log);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_THAT(ReadWholeFile(log), ::testing::HasSubstr("interrupted"));

  const std::string db = dir.File("state/broadcasts/1/broadcast.db");
  EXPECT_EQ(QueryInt(db, "SELECT status = 'STOPPED' FROM broadcast"), 1);
  // What the mock took before the signal is recorded: nothing was in
  // flight when herald exited.
  ASSERT_TRUE((*mock)->Stop().ok());
  const int64_t accepted = (*mock)->stats().accepted;
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, kSmallRows);
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM texts WHERE result = 'SENT'"),
            accepted);

  // The same command finishes the broadcast against a fresh mock, which must
  // receive exactly the rest.
  mock_options.log_path = dir.File("rest.jsonl");
  mock_options.port = 0;
  mock = mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  WriteProviders(dir, (*mock)->port(), R"("batchSize":100)");
  ASSERT_EQ(RunCommand(absl::StrCat(HERALD_BINARY, " resume --quiet --state ",
                                    dir.File("state")),
                       &output),
            0)
      << output;
  ASSERT_TRUE((*mock)->Stop().ok());
  EXPECT_EQ((*mock)->stats().accepted + accepted,
            QueryInt(db, "SELECT count(*) FROM texts WHERE result = 'SENT'"));
  EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM texts"), kSmallRows);
  EXPECT_EQ(QueryInt(db, "SELECT status = 'FINISHED' FROM broadcast"), 1);
}

}  // namespace
}  // namespace herald
