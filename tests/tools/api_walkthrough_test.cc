// docs/API.md's charity walkthrough, run as written against `herald serve`:
// each curl command of the section, with its port, and each answer compared
// with the "# {...}" line under it (created and updated times left out).
#include <signal.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/serve_process.h"
#include "tests/test_util.h"

namespace herald {
namespace {

// A command of the walkthrough and the answer the document shows for it
// (empty: it answers nothing).
struct Step {
  std::string command;
  std::string expected;
};

// The section's sh blocks but the first (which starts the server), cut into
// commands: each begins with "curl" at the start of a line.
std::vector<Step> WalkthroughSteps(const std::string& doc) {
  const size_t begin = doc.find("## The charity example, with curl");
  const size_t end = doc.find("\n## ", begin + 1);
  std::vector<Step> steps;
  bool in_block = false;
  bool first_block = true;
  for (absl::string_view line : absl::StrSplit(
           absl::string_view(doc).substr(begin, end - begin), '\n')) {
    if (line == "```sh") {
      in_block = true;
      continue;
    }
    if (line == "```") {
      in_block = false;
      first_block = false;
      continue;
    }
    if (!in_block || first_block) continue;
    if (absl::StartsWith(line, "# {")) {
      steps.back().expected = std::string(line.substr(2));
    } else if (absl::StartsWith(line, "curl ")) {
      steps.push_back({std::string(line), ""});
    } else {
      absl::StrAppend(&steps.back().command, "\n", line);
    }
  }
  return steps;
}

nlohmann::json WithoutTimes(nlohmann::json value) {
  if (value.is_object()) {
    value.erase("created");
    value.erase("updated");
    for (auto& [key, member] : value.items()) member = WithoutTimes(member);
  } else if (value.is_array()) {
    for (auto& element : value) element = WithoutTimes(element);
  }
  return value;
}

TEST(ApiWalkthroughTest, TheCharityExampleRunsAsDocsApiShowsIt) {
  const std::vector<Step> steps =
      WalkthroughSteps(ReadWholeFile(HERALD_SOURCE_DIR "/docs/API.md"));
  ASSERT_GE(steps.size(), 10);

  TempDir dir;
  const std::string users = dir.Write("users", "mary:s3cret\n");
  ::chmod(users.c_str(), 0600);
  const std::string key = dir.Write("hook.key", "walkthrough-key\n");
  ::chmod(key.c_str(), 0600);
  const std::string log = dir.File("serve.log");
  testing::ServeProcess serve(
      {"--state", dir.File("charity-state"), "--listen", "127.0.0.1:0",
       "--credentials", users, "--webhook-secret-file", key},
      log);
  const int port = serve.port();
  ASSERT_GT(port, 0) << ReadWholeFile(log);

  for (const Step& step : steps) {
    const std::string command = absl::StrReplaceAll(
        step.command, {{"127.0.0.1:8080", absl::StrCat("127.0.0.1:", port)}});
    // An answer that depends on the broadcast getting on (a batch sent, the
    // broadcast finished) may take a moment: reads are asked again, up to
    // a few seconds.
    const bool read = !absl::StrContains(command, " -X ");
    std::string output;
    for (int attempt = 0; attempt < (read ? 300 : 1); ++attempt) {
      ASSERT_EQ(RunCommand(command, &output), 0) << command << "\n" << output;
      if (step.expected.empty()) break;
      const nlohmann::json got = nlohmann::json::parse(output, nullptr, false);
      if (!got.is_discarded() &&
          WithoutTimes(got) ==
              WithoutTimes(nlohmann::json::parse(step.expected))) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    if (step.expected.empty()) {
      EXPECT_EQ(output, "") << command;
    } else {
      const nlohmann::json got = nlohmann::json::parse(output, nullptr, false);
      ASSERT_FALSE(got.is_discarded()) << command << "\n" << output;
      EXPECT_EQ(WithoutTimes(got),
                WithoutTimes(nlohmann::json::parse(step.expected)))
          << command;
    }
  }
  EXPECT_EQ(serve.StopWith(SIGTERM), 0) << ReadWholeFile(log);
}

}  // namespace
}  // namespace herald
