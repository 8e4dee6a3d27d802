// The status page of `herald serve` in a real browser: Debian's headless
// Chromium loads it (with the API's credentials) while a broadcast runs
// through the mock provider, and the DOM it builds shows the broadcast, its
// status and numbers that move from one load to the next.
#include <signal.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/http_test_client.h"
#include "tests/serve_process.h"
#include "tests/test_util.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using testing::HttpCall;
using testing::HttpReply;
using testing::Send;
using testing::ServeProcess;

// Debian's package; CI installs it (tools/install-deps.sh).
const char* Chromium() {
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (FileExists(path)) return path;
  }
  return nullptr;
}

// The DOM of `url` once its script has run for a few (virtual) seconds.
std::string RenderedDom(const std::string& url) {
  std::string dom;
  const int status =
      RunCommand(absl::StrCat(Chromium(),
                              " --headless --no-sandbox --disable-gpu "
                              "--virtual-time-budget=5000 --dump-dom '",
                              url, "' 2>/dev/null"),
                 &dom);
  EXPECT_EQ(status, 0) << dom;
  return dom;
}

// The number in the `data-value` of the cell of class `name`.
int64_t CellValue(const std::string& dom, const std::string& name) {
  const std::string start = "class=\"" + name + "\" data-value=\"";
  const size_t at = dom.find(start);
  const size_t end =
      at == std::string::npos ? at : dom.find('"', at + start.size());
  double value = 0;
  if (end == std::string::npos ||
      !absl::SimpleAtod(dom.substr(at + start.size(), end - at - start.size()),
                        &value)) {
    ADD_FAILURE() << "no " << name << " cell in " << dom.substr(0, 2000);
    return -1;
  }
  return static_cast<int64_t>(value);
}

TEST(StatusPageTest, ChromiumShowsABroadcastRunningAndItsNumbersMove) {
  if (Chromium() == nullptr) {
    FAIL() << "no chromium: apt-get install chromium (tools/install-deps.sh)";
  }
  TempDir dir;
  const std::string users = dir.Write("users", "mary:s3cret\n");
  ::chmod(users.c_str(), 0600);
  mock_provider::Options mock_options;
  mock_options.user = "herald";
  mock_options.password = "mock-secret";
  absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
      mock_provider::MockProvider::Start(mock_options);
  ASSERT_TRUE(mock.ok()) << mock.status();
  // 4,000 texts at 200 a second: twenty seconds to watch.
  dir.Write("providers.json",
            absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                         R"("url":"http://127.0.0.1:)", (*mock)->port(),
                         R"(","username":"herald",)",
                         R"("passwordEnv":"HERALD_TEST_MOCK_PASSWORD",)",
                         R"("batchSize":10,"messagesPerSecond":200,)",
                         R"("burst":10,"maxActive":2}]})"));
  setenv("HERALD_TEST_MOCK_PASSWORD", "mock-secret", 1);
  ServeProcess serve(
      {"--state", dir.File("state"), "--listen", "127.0.0.1:0", "--credentials",
       users, "--providers", dir.File("providers.json"), "--provider", "cf"},
      dir.File("serve.log"));
  ASSERT_GT(serve.port(), 0) << ReadWholeFile(dir.File("serve.log"));
  std::string recipients = "[";
  for (int i = 0; i < 4000; ++i) {
    absl::StrAppend(&recipients, i ? "," : "", R"({"phoneNumber":"1213555)",
                    absl::Dec(1000 + i, absl::kZeroPad4), R"("})");
  }
  HttpCall create;
  create.method = "POST";
  create.url = absl::StrCat("http://127.0.0.1:", serve.port(),
                            "/v2/texts/broadcasts?start=true");
  create.body = absl::StrCat(R"({"name":"Gala <b>night</b>",)",
                             R"("message":"Doors open at 7",)",
                             R"("recipients":)", recipients, "]}");
  create.user_password = "mary:s3cret";
  HttpReply created = Send(create);
  ASSERT_EQ(created.status, 200) << created.body;

  // Without the credentials the page is not served.
  HttpCall anonymous;
  anonymous.url = absl::StrCat("http://127.0.0.1:", serve.port(), "/");
  EXPECT_EQ(Send(anonymous).status, 401);

  const std::string url =
      absl::StrCat("http://mary:s3cret@127.0.0.1:", serve.port(), "/");
  absl::SleepFor(absl::Seconds(1));
  const std::string first = RenderedDom(url);
  absl::SleepFor(absl::Seconds(3));
  const std::string second = RenderedDom(url);

  EXPECT_THAT(first, HasSubstr("1 broadcasts, updated"));
  // The name is text, not markup.
  EXPECT_THAT(first, HasSubstr("Gala &lt;b&gt;night&lt;/b&gt;"));
  EXPECT_THAT(first, HasSubstr("<td class=\"status\">RUNNING</td>"));
  EXPECT_THAT(first, HasSubstr("<progress max=\"4000\""));
  const int64_t sent_first = CellValue(first, "sent");
  const int64_t sent_second = CellValue(second, "sent");
  EXPECT_GT(sent_first, 0);
  EXPECT_GT(sent_second, sent_first) << "the numbers did not move";
  EXPECT_LT(sent_second, 4000) << "it finished before the second look";
  CellValue(second, "rate");
  CellValue(second, "retries");
  EXPECT_THAT(second, HasSubstr("data-minutes=\"["));
  EXPECT_EQ(serve.StopWith(SIGTERM), 0);
  ASSERT_TRUE((*mock)->Stop().ok());
}

}  // namespace
}  // namespace herald
