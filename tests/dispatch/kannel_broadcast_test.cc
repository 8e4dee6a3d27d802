// A broadcast through a real Kannel: `herald run --providers --provider`
// with the kannel transport into smsbox's sendsms, and what reached
// Kannel's fake SMS centre read back from fakesmsc.
#include <stdlib.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/kannel_harness.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(KannelBroadcastTest, EveryTextReachesTheSmscExactlyOnce) {
  if (!KannelInstalled()) {
    GTEST_SKIP() << "needs Debian's kannel and kannel-extras";
  }
  TempDir dir;
  absl::StatusOr<std::unique_ptr<KannelHarness>> kannel =
      KannelHarness::Start(dir.path());
  ASSERT_TRUE(kannel.ok()) << kannel.status();
  const KannelHarness& k = **kannel;

  // 40 GSM-7 texts, 10 UCS-2 ones, and 10 that take two GSM-7 segments.
  constexpr int kRows = 60;
  std::map<std::string, std::string> expected;  // to → text
  std::string contacts = "phoneNumber,firstName,greeting\n";
  for (int i = 0; i < kRows; ++i) {
    const std::string to = absl::StrCat("1213555", 1000 + i);
    const std::string greeting =
        i < 40 ? "Hello"
        : i < 50 ? "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"  // Привет
                 : std::string(170, 'L');
    absl::StrAppend(&contacts, to, ",n", i, ",", greeting, "\n");
    expected[absl::StrCat("+", to)] = absl::StrCat(greeting, " n", i);
  }
  dir.Write("contacts.csv", contacts);
  dir.Write("campaign.json", R"({"name":"kannel","fromNumber":"19206596476",)"
                             R"("message":"${greeting} ${firstName}"})");
  dir.Write("providers.json",
            absl::StrCat(R"({"providers":[{"name":"k1","type":"kannel",)",
                         R"("url":")", k.sendsms_url(), R"(",)",
                         R"("username":")", k.username(), R"(",)",
                         R"("passwordEnv":"HERALD_TEST_KANNEL_PASSWORD",)",
                         R"("segmentsPerSecond":300,"burst":30,)",
                         R"("maxActive":8}]})"));
  std::string output;
  const int status = RunCommand(
      absl::StrCat("cd ", dir.path(), " && HERALD_TEST_KANNEL_PASSWORD='",
                   k.password(), "' ", HERALD_BINARY,
                   " run --campaign campaign.json --contacts contacts.csv"
                   " --providers providers.json --provider k1"
                   " --report report.json --outcomes outcomes.jsonl"),
      &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_THAT(output, HasSubstr("sent 60 (70 segments)"));
  EXPECT_THAT(output, Not(HasSubstr(k.password())));

  // Kannel cuts the long texts in two; fakesmsc prints each part.
  k.WaitForMessages(kRows + 10, absl::Seconds(20));
  ASSERT_TRUE((*kannel)->Stop().ok());
  const std::vector<FakeSmscMessage> received =
      Reassemble((*kannel)->ReceivedMessages());
  std::map<std::string, int> times;
  for (const FakeSmscMessage& m : received) {
    ++times[m.to];
    EXPECT_EQ(m.text, expected[m.to]) << m.raw;
    EXPECT_EQ(m.from, "19206596476");
  }
  ASSERT_EQ(times.size(), expected.size()) << "see " << dir.path();
  for (const auto& [to, count] : times) EXPECT_EQ(count, 1) << to;
  EXPECT_THAT(ReadWholeFile(dir.File("report.json")),
              Not(HasSubstr(k.password())));
}

}  // namespace
}  // namespace herald
