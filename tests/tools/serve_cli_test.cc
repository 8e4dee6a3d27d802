// `herald serve` as a process: it refuses what would expose it, stops on
// SIGTERM with its broadcasts where they were, and a restart carries a
// broadcast on to the end with no text twice (through the mock provider,
// whose log has every text that arrived).
#include <signal.h>
#include <sys/stat.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/http_test_client.h"
#include "tests/serve_process.h"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using testing::HttpCall;
using testing::HttpReply;
using testing::Send;
using testing::ServeProcess;

constexpr int kRecipients = 3000;

HttpReply Call(int port, absl::string_view method, absl::string_view path,
               absl::string_view body = "") {
  HttpCall call;
  call.method = std::string(method);
  call.url = absl::StrCat("http://127.0.0.1:", port, path);
  call.body = std::string(body);
  call.user_password = "mary:s3cret";
  return Send(call);
}

std::string Recipients(int count) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    absl::StrAppend(&out, i == 0 ? "" : ",", R"({"phoneNumber":"1213555)",
                    absl::Dec(1000 + i, absl::kZeroPad4), R"("})");
  }
  return out + "]";
}

class ServeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    users_ = dir_.Write("users", "mary:s3cret\n");
    ::chmod(users_.c_str(), 0600);
  }

  TempDir dir_;
  std::string users_;
};

TEST_F(ServeCliTest, RefusesToExposeItselfOrItsUsers) {
  std::string output;
  EXPECT_EQ(RunCommand(absl::StrCat(HERALD_BINARY, " serve --state ",
                                    dir_.File("s"), " --listen 0.0.0.0:0 2>&1"),
                       &output),
            2);
  EXPECT_NE(output.find("lets other hosts in: give the API's users"),
            std::string::npos)
      << output;
  const std::string open_users = dir_.Write("open", "mary:s3cret\n");
  ::chmod(open_users.c_str(), 0644);
  EXPECT_EQ(
      RunCommand(absl::StrCat(HERALD_BINARY, " serve --state ", dir_.File("s"),
                              " --credentials ", open_users, " 2>&1"),
                 &output),
      2);
  EXPECT_NE(output.find("chmod"), std::string::npos) << output;
  EXPECT_EQ(output.find("s3cret"), std::string::npos) << output;
  // An empty state directory would put uploads in /uploads.
  EXPECT_EQ(RunCommand(absl::StrCat(HERALD_BINARY, " serve --state '' 2>&1"),
                       &output),
            2);
  EXPECT_NE(output.find("--state: give the state directory"),
            std::string::npos)
      << output;
  // A webhook key others may read signs nothing.
  const std::string open_key = dir_.Write("hook.key", "hook-k3y-Pa55\n");
  ::chmod(open_key.c_str(), 0644);
  EXPECT_EQ(
      RunCommand(absl::StrCat(HERALD_BINARY, " serve --state ", dir_.File("s"),
                              " --credentials ", users_,
                              " --webhook-secret-file ", open_key, " 2>&1"),
                 &output),
      2);
  EXPECT_NE(output.find("hook.key"), std::string::npos) << output;
  EXPECT_NE(output.find("chmod"), std::string::npos) << output;
  EXPECT_EQ(output.find("hook-k3y"), std::string::npos) << output;
}

TEST_F(ServeCliTest, ARestartMidBroadcastCarriesOnWithNoTextTwice) {
  mock_provider::Options mock_options;
  mock_options.user = "herald";
  mock_options.password = "mock-secret";
  mock_options.log_path = dir_.File("arrived.jsonl");
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  // 3,000 texts at 1,500 a second: two seconds, long enough to stop it in.
  dir_.Write("providers.json",
             absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                          R"("url":"http://127.0.0.1:)", (*mock)->port(),
                          R"(","username":"herald",)",
                          R"("passwordEnv":"HERALD_TEST_MOCK_PASSWORD",)",
                          R"("batchSize":10,"messagesPerSecond":1500,)",
                          R"("burst":10,"maxActive":4}]})"));
  setenv("HERALD_TEST_MOCK_PASSWORD", "mock-secret", 1);
  const std::vector<std::string> args = {
      "--state",       dir_.File("state"),
      "--listen",      "127.0.0.1:0",
      "--credentials", users_,
      "--providers",   dir_.File("providers.json"),
      "--provider",    "cf"};
  const std::string log = dir_.File("serve.log");
  {
    ServeProcess serve(args, log);
    ASSERT_GT(serve.port(), 0) << ReadWholeFile(log);
    HttpReply created = Call(
        serve.port(), "POST", "/v2/texts/broadcasts?start=true",
        absl::StrCat(R"({"name":"Restart","message":"Food bank opens at 9",)",
                     R"("recipients":)", Recipients(kRecipients), "}"));
    ASSERT_EQ(created.status, 200) << created.body;
    absl::SleepFor(absl::Milliseconds(600));
    EXPECT_EQ(serve.StopWith(SIGTERM), 0) << ReadWholeFile(log);
  }
  EXPECT_NE(ReadWholeFile(log).find("SIGTERM: answering the requests"),
            std::string::npos);
  std::vector<std::string> arrived_before = absl::StrSplit(
      ReadWholeFile(dir_.File("arrived.jsonl")), '\n', absl::SkipEmpty());
  EXPECT_GT(arrived_before.size(), 0);
  EXPECT_LT(arrived_before.size(), kRecipients) << "it finished before SIGTERM";

  ServeProcess serve(args, log);
  ASSERT_GT(serve.port(), 0) << ReadWholeFile(log);
  std::string status;
  for (int i = 0; i < 3000 && status != "FINISHED"; ++i) {
    HttpReply broadcast =
        Call(serve.port(), "GET", "/v2/texts/broadcasts/1?fields=status");
    ASSERT_EQ(broadcast.status, 200) << broadcast.body;
    status = broadcast.Json()["status"];
    if (status != "FINISHED") absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_EQ(status, "FINISHED");
  HttpReply stats = Call(serve.port(), "GET",
                         "/v2/texts/broadcasts/1/stats?fields=sentCount");
  EXPECT_EQ(stats.Json()["sentCount"], kRecipients) << stats.body;
  EXPECT_EQ(serve.StopWith(SIGTERM), 0);
  ASSERT_TRUE((*mock)->Stop().ok());

  std::multiset<std::string> arrived;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(dir_.File("arrived.jsonl")), '\n',
                      absl::SkipEmpty())) {
    arrived.insert(nlohmann::json::parse(line).at("to").get<std::string>());
  }
  EXPECT_EQ(arrived.size(), kRecipients);
  EXPECT_EQ(std::set<std::string>(arrived.begin(), arrived.end()).size(),
            kRecipients)
      << "a number arrived twice";
}

}  // namespace
}  // namespace herald
