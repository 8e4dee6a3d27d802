// A broadcast through a real Kannel: `herald run --providers --provider`
// with the kannel transport into smsbox's sendsms, and what reached
// Kannel's fake SMS centre read back from fakesmsc.
#include <stdlib.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/dispatch/provider_config.h"
#include "engine/ingest/phone_number.h"
#include "engine/service/api_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/engine.h"
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

constexpr char kCallbackSecret[] = "kannel-cb-0123456789";

// herald serve's engine and listener (in process) over a real Kannel whose
// k1 provider calls back at herald's listener.
class KannelServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!KannelInstalled()) {
      GTEST_SKIP() << "needs Debian's kannel and kannel-extras";
    }
  }

  // Starts Kannel with `kannel_conf(listen)` added to its configuration,
  // then the engine and its server on `listen`, k1 sending at
  // `segments_per_second`. The listener's port is picked first (Kannel
  // calls it back); should another process take it meanwhile, all starts
  // again on another.
  void Start(const std::function<std::string(const std::string&)>& kannel_conf,
             int segments_per_second) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      std::vector<uint16_t> ports;
      ASSERT_TRUE(PickPorts(1, &ports).ok());
      listen_ = absl::StrCat("127.0.0.1:", ports[0]);
      StartOnce(kannel_conf(listen_), segments_per_second);
      if (HasFatalFailure() || server_ != nullptr) return;
      engine_.reset();
      kannel_.reset();
    }
    FAIL() << "no free port in 3 attempts";
  }

  void StartOnce(const std::string& kannel_conf, int segments_per_second) {
    absl::StatusOr<std::unique_ptr<KannelHarness>> kannel =
        KannelHarness::Start(dir_.path(), kannel_conf);
    ASSERT_TRUE(kannel.ok()) << kannel.status();
    kannel_ = *std::move(kannel);
    ::setenv("HERALD_TEST_KANNEL_PASSWORD", kannel_->password().c_str(), 1);
    ::setenv("HERALD_TEST_CALLBACK_SECRET", kCallbackSecret, 1);
    const std::string providers = dir_.Write(
        "providers.json",
        absl::StrCat(R"({"providers":[{"name":"k1","type":"kannel",)",
                     R"("url":")", kannel_->sendsms_url(), R"(",)",
                     R"("username":")", kannel_->username(), R"(",)",
                     R"("passwordEnv":"HERALD_TEST_KANNEL_PASSWORD",)",
                     R"("callbackUrl":"http://)", listen_, R"(",)",
                     R"("callbackSecretEnv":"HERALD_TEST_CALLBACK_SECRET",)",
                     R"("segmentsPerSecond":)", segments_per_second,
                     R"(,"burst":)", std::max(1, segments_per_second / 10),
                     "}]}"));
    EngineOptions options;
    options.state_dir = dir_.File("state");
    options.providers_file = providers;
    options.workers = 1;
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    ApiServerOptions server_options;
    server_options.http.listen = listen_;
    absl::StatusOr<std::vector<ProviderConfig>> configs =
        LoadProvidersFile(providers, ProcessEnv);
    ASSERT_TRUE(configs.ok()) << configs.status();
    server_options.providers = *std::move(configs);
    absl::StatusOr<std::unique_ptr<ApiServer>> server =
        ApiServer::Start(engine_.get(), std::move(server_options));
    if (absl::IsUnavailable(server.status())) return;  // the port was taken
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Stop();
  }

  // Starts a broadcast of `message` from 19206596476 to `contacts` (a CSV)
  // through k1; 0 on failure.
  BroadcastId StartBroadcast(const std::string& contacts,
                             absl::string_view message) {
    BroadcastOptions broadcast;
    broadcast.provider = "k1";
    absl::StatusOr<BroadcastId> id = engine_->CreateBroadcast(
        absl::StrCat(R"({"name":"kannel","fromNumber":"19206596476",)",
                     R"("message":")", message, R"("})"),
        broadcast);
    EXPECT_TRUE(id.ok()) << id.status();
    if (!id.ok()) return 0;
    EXPECT_TRUE(
        engine_
            ->AddBatch(*id,
                       BatchSource::File(dir_.Write("contacts.csv", contacts)),
                       {})
            .ok());
    EXPECT_TRUE(engine_->Start(*id).ok());
    return *id;
  }

  void ExpectFinished(BroadcastId id) {
    absl::StatusOr<BroadcastStatus> status =
        engine_->Wait(id, absl::Seconds(30));
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_EQ(*status, BroadcastStatus::kFinished);
  }

  TempDir dir_;
  std::string listen_;
  std::unique_ptr<KannelHarness> kannel_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ApiServer> server_;
};

// Each sendsms asks for receipts (dlr-mask, dlr-url), bearerbox calls the
// dlr-url as the fake SMSC reports, and the broadcast counts every text
// fakesmsc received as delivered.
TEST_F(KannelServeTest, EveryTextFakesmscReceivedIsCountedDelivered) {
  Start([](const std::string&) { return ""; }, 300);
  // 25 texts of one part, and 5 that Kannel sends in two, each part with
  // its receipt.
  constexpr int kRows = 30;
  std::string contacts = "phoneNumber,firstName\n";
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&contacts, "1213555", 2000 + i, ",",
                    i < 25 ? absl::StrCat("n", i) : std::string(170, 'L'),
                    "\n");
  }
  const BroadcastId id = StartBroadcast(contacts, "Hello ${firstName}");
  ExpectFinished(id);
  const std::vector<FakeSmscMessage> received =
      Reassemble(kannel_->WaitForMessages(kRows + 5, absl::Seconds(20)));
  StoreStats stats;
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  do {
    absl::StatusOr<StoreStats> now = engine_->Stats(id);
    ASSERT_TRUE(now.ok()) << now.status();
    stats = *now;
    if (stats.counts.delivered >= received.size()) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (absl::Now() < deadline);
  EXPECT_EQ(received.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(stats.counts.sent, static_cast<uint64_t>(kRows));
  EXPECT_EQ(stats.counts.delivered, received.size())
      << "see " << dir_.path() << "/bearerbox.log";
  EXPECT_EQ(stats.counts.delivery_pending, 0u);
}

// A STOP from a phone through real Kannel (fakesmsc's mobile-originated
// text, bearerbox, smsbox's sms-service get-url as the README gives it)
// while the broadcast is still sending, slowly: the number that sent it
// gets nothing after, its text ends DNC, and the STOP is kept with its
// do-not-contact entry.
TEST_F(KannelServeTest, AStopFromAPhoneStopsTheBroadcastTextingIt) {
  Start(
      [](const std::string& listen) {
        return absl::StrCat(
            "\ngroup = sms-service\nkeyword = default\n"
            "get-url = \"http://",
            listen, "/callbacks/k1/inbound?secret=", kCallbackSecret,
            "&from=%p&to=%P&text=%a&coding=%c&charset=%C&time=%T\"\n"
            "max-messages = 0\ncatch-all = true\n");
      },
      10);
  // 60 texts at 10 a second: the last is six seconds away when the STOP
  // comes.
  constexpr int kRows = 60;
  const std::string stopper = absl::StrCat("1213555", 3000 + kRows - 1);
  std::string contacts = "phoneNumber\n";
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&contacts, "1213555", 3000 + i, "\n");
  }
  const BroadcastId id = StartBroadcast(contacts, "Hello");
  kannel_->WaitForMessages(1, absl::Seconds(10));  // it is sending
  ASSERT_TRUE(
      kannel_->SendFromPhone(absl::StrCat("+", stopper), "19206596476", "Stop")
          .ok());
  InboundPage inbound;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  do {
    absl::StatusOr<InboundPage> page = engine_->FindInboundTexts({});
    ASSERT_TRUE(page.ok()) << page.status();
    inbound = *page;
    if (!inbound.items.empty()) break;
    absl::SleepFor(absl::Milliseconds(20));
  } while (absl::Now() < deadline);
  ASSERT_EQ(inbound.items.size(), 1u) << "see " << dir_.path() << "/smsbox.log";
  EXPECT_EQ(E164Digits(inbound.items[0].from), stopper);
  EXPECT_EQ(inbound.items[0].to, "19206596476");
  EXPECT_EQ(inbound.items[0].message, "Stop");
  EXPECT_EQ(inbound.items[0].keyword, "OPT_OUT");
  EXPECT_EQ(inbound.items[0].provider, "k1");

  ExpectFinished(id);
  const std::vector<FakeSmscMessage> received =
      kannel_->WaitForMessages(kRows - 1, absl::Seconds(20));
  std::map<std::string, int> times;
  for (const FakeSmscMessage& m : received) ++times[m.to];
  EXPECT_EQ(times.size(), static_cast<size_t>(kRows - 1));
  EXPECT_EQ(times.count(absl::StrCat("+", stopper)), 0u)
      << "the number that sent STOP was texted after it";
  absl::StatusOr<StoreStats> stats = engine_->Stats(id);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->counts.sent, static_cast<uint64_t>(kRows - 1));
  EXPECT_EQ(stats->counts.dnc, 1u);
  DncQuery query;
  absl::StatusOr<PhoneNumber> number = ParseNanpNumber(stopper);
  ASSERT_TRUE(number.ok());
  query.numbers = {*number};
  absl::StatusOr<DncPage> entry = engine_->FindDoNotContacts(query);
  ASSERT_TRUE(entry.ok()) << entry.status();
  ASSERT_EQ(entry->items.size(), 1u);
  EXPECT_EQ(entry->items[0].source, "keyword");
  EXPECT_TRUE(entry->items[0].text);
}

}  // namespace
}  // namespace herald
