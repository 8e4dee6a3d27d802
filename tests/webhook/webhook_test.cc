// Finished events to a webhook: the webhook file, the signature, and the
// notifier delivering a real store's events to the mock provider's receiver
// in order, in batches, through failures and past a dead endpoint.
#include <curl/curl.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/base/hmac.h"
#include "engine/store/sqlite_store.h"
#include "engine/store/text_record.h"
#include "engine/webhook/webhook_config.h"
#include "engine/webhook/webhook_notifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/clock.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/hooks.h"
#include "tools/mock_provider/options.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Every test's secret: no error message, log line or count may hold it.
constexpr char kSecret[] = "hook-s3cr3t-Pa55";
constexpr char kRunId[] = "run-7";
constexpr char kFrom[] = "67076";
constexpr uint64_t kWebhookId = 4321;

// Bounds every wait, so that a broken notifier fails a test instead of
// hanging it.
constexpr absl::Duration kPatience = absl::Seconds(20);

// ---------------------------------------------------------------------------
// The webhook file.

EnvLookup FakeEnv() {
  return [](absl::string_view name) -> std::optional<std::string> {
    if (name == "HOOK_SECRET") return std::string(kSecret);
    if (name == "EMPTY_SECRET") return std::string();
    return std::nullopt;
  };
}

absl::StatusOr<WebhookConfig> Parse(absl::string_view json_text) {
  return ParseWebhookConfig(json_text, "hook.json", FakeEnv());
}

// The error for `json_text`, which must not parse.
std::string ErrorOf(absl::string_view json_text) {
  absl::StatusOr<WebhookConfig> parsed = Parse(json_text);
  EXPECT_FALSE(parsed.ok()) << json_text;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), Not(HasSubstr(kSecret)));
  return std::string(parsed.status().message());
}

// A webhook file: the required keys plus `more` (",\"key\":value...").
std::string File(absl::string_view more = "") {
  return absl::StrCat(
      R"({"url":"http://127.0.0.1:8080/hooks","id":4321,"secretEnv":"HOOK_SECRET")",
      more, "}");
}

TEST(WebhookConfigTest, ReadsEveryKey) {
  absl::StatusOr<WebhookConfig> parsed = Parse(R"(
    {"url": "http://127.0.0.1:8080/hooks", "id": 4321,
     "name": "broadcast events", "secretEnv": "HOOK_SECRET",
     "batchSize": 50, "maxDelayMs": 250, "timeoutMs": 3000,
     "retryInitialMs": 100, "retryMaxMs": 8000})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->url, "http://127.0.0.1:8080/hooks");
  EXPECT_EQ(parsed->id, 4321u);
  EXPECT_EQ(parsed->name, "broadcast events");
  EXPECT_EQ(parsed->secret, kSecret);
  EXPECT_EQ(parsed->batch_size, 50);
  EXPECT_EQ(parsed->max_delay, absl::Milliseconds(250));
  EXPECT_EQ(parsed->timeout, absl::Seconds(3));
  EXPECT_EQ(parsed->retry_initial, absl::Milliseconds(100));
  EXPECT_EQ(parsed->retry_max, absl::Seconds(8));
}

TEST(WebhookConfigTest, DefaultsWhatIsLeftOut) {
  absl::StatusOr<WebhookConfig> parsed = Parse(File());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const WebhookConfig defaults;
  EXPECT_EQ(parsed->name, "");
  EXPECT_EQ(parsed->batch_size, 100);
  EXPECT_EQ(parsed->max_delay, defaults.max_delay);
  EXPECT_EQ(parsed->max_delay, absl::Seconds(1));
  EXPECT_EQ(parsed->timeout, absl::Seconds(10));
  EXPECT_EQ(parsed->retry_initial, absl::Milliseconds(500));
  EXPECT_EQ(parsed->retry_max, absl::Seconds(60));
}

TEST(WebhookConfigTest, NamesTheFileAndKeyOfEveryMistake) {
  const std::map<std::string, std::string> cases = {
      {File(R"(,"batchsize":10)"), "hook.json: batchsize: unknown field"},
      {File(R"(,"batchSize":"100")"),
       "hook.json: batchSize: expected an integer from 1 to 1000, got string"},
      {File(R"(,"batchSize":0)"), "hook.json: batchSize: must be from 1"},
      {File(R"(,"maxDelayMs":-1)"), "hook.json: maxDelayMs: must be from 0"},
      {File(R"(,"timeoutMs":0)"), "hook.json: timeoutMs: must be from 1"},
      {File(R"(,"name":7)"), "hook.json: name: expected a string"},
      {File(R"(,"retryInitialMs":2000,"retryMaxMs":1000)"),
       "hook.json: retryMaxMs: must be at least retryInitialMs (2000)"},
      {R"({"id":1,"secretEnv":"HOOK_SECRET"})", "hook.json: missing \"url\""},
      {R"({"url":"http://h/x","secretEnv":"HOOK_SECRET"})",
       "hook.json: missing \"id\""},
      {R"({"url":"http://h/x","id":-4,"secretEnv":"HOOK_SECRET"})",
       "hook.json: id: expected a positive integer"},
      {R"({"url":"http://h/x","id":"4321","secretEnv":"HOOK_SECRET"})",
       "hook.json: id: expected a positive integer, got string"},
      {R"({"url":"ftp://h/x","id":1,"secretEnv":"HOOK_SECRET"})",
       "hook.json: url: must start with http:// or https://"},
      {R"({"url":"https://user:pw@h/x","id":1,"secretEnv":"HOOK_SECRET"})",
       "hook.json: url: must not carry credentials"},
      {R"({"url":"http://h/x","id":1})",
       "hook.json: missing \"secretEnv\" or \"secretFile\""},
      {R"({"url":"http://h/x","id":1,"secretEnv":"NOPE"})",
       "hook.json: secretEnv: the environment variable NOPE is not set"},
      {R"({"url":"http://h/x","id":1,"secretEnv":"EMPTY_SECRET"})",
       "hook.json: secretEnv: the environment variable EMPTY_SECRET is empty"},
      {R"({"url":"http://h/x","id":1,"secretEnv":"HOOK_SECRET",)"
       R"("secretFile":"s"})",
       "hook.json: secretFile: give secretEnv or secretFile, not both"},
      {"[1]", "hook.json: expected an object"},
      {"{\"url\":", "hook.json: not valid JSON at line 1, column 8"},
  };
  for (const auto& [file, error] : cases) {
    EXPECT_THAT(ErrorOf(file), HasSubstr(error)) << file;
  }
}

TEST(WebhookConfigTest, ReadsTheSecretFromAnOwnerOnlyFileNextToIt) {
  TempDir dir;
  const std::string secret =
      dir.Write("hook.secret", absl::StrCat(kSecret, "\n"));
  ASSERT_EQ(chmod(secret.c_str(), 0600), 0);
  const std::string file = dir.Write(
      "hook.json",
      R"({"url":"http://127.0.0.1:1/hooks","id":9,"secretFile":"hook.secret"})");
  absl::StatusOr<WebhookConfig> loaded = LoadWebhookConfig(file, FakeEnv());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->secret, kSecret);

  ASSERT_EQ(chmod(secret.c_str(), 0644), 0);
  loaded = LoadWebhookConfig(file, FakeEnv());
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(),
              HasSubstr(absl::StrCat(file, ": secretFile: ")));
  EXPECT_THAT(loaded.status().message(), HasSubstr("chmod 600"));
  EXPECT_THAT(loaded.status().message(), Not(HasSubstr(kSecret)));

  loaded = LoadWebhookConfig(dir.File("missing.json"), FakeEnv());
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(), HasSubstr("missing.json"));
}

// ---------------------------------------------------------------------------
// The signature.

TEST(HmacTest, MatchesRfc4231) {
  // Test case 1: a 20-byte key of 0x0b.
  EXPECT_EQ(
      absl::BytesToHexString(HmacSha256(std::string(20, '\x0b'), "Hi There")),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2: a key shorter than the block.
  EXPECT_EQ(absl::BytesToHexString(
                HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block, hashed first.
  EXPECT_EQ(absl::BytesToHexString(HmacSha256(
                std::string(131, '\xaa'),
                "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacTest, SignsTheTimeAndTheBody) {
  const std::string body = R"({"events":[]})";
  const std::string header = SignWebhookBody(kSecret, 1790000000123, body);
  EXPECT_EQ(header,
            absl::StrCat("t=1790000000123,v1=",
                         absl::BytesToHexString(HmacSha256(
                             kSecret, absl::StrCat("1790000000123.", body)))));
  EXPECT_TRUE(VerifyWebhookSignature(kSecret, header, body));
  // Elements in another order, with one of a later scheme beside them.
  const std::string v1 = header.substr(header.find("v1="));
  EXPECT_TRUE(VerifyWebhookSignature(
      kSecret, absl::StrCat("v2=abc, ", v1, ", t=1790000000123"), body));

  EXPECT_FALSE(VerifyWebhookSignature("other secret", header, body));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, header, R"({"events":[1]})"));
  EXPECT_FALSE(VerifyWebhookSignature(
      kSecret, absl::StrCat("t=1790000000124,", v1), body));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, v1, body));
  EXPECT_FALSE(VerifyWebhookSignature(kSecret, "", body));
}

// ---------------------------------------------------------------------------
// The notifier.

// A store database written with SQL, as the store's writer writes it.
class TestStore {
 public:
  explicit TestStore(const std::string& path) : path_(path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
    Exec("PRAGMA journal_mode=WAL");
    Exec(kStoreSchema);
    Exec(absl::StrCat(
        "INSERT INTO broadcast VALUES (1, '", kRunId, "', 'Hooks', '", kFrom,
        "', '{}', '{}', 'RUNNING', 1790000000000, 1790000000000)"));
    Exec(
        "INSERT INTO batches (id, path, file_size, file_mtime_ns, size, "
        "created) VALUES (1, 'contacts.csv', 10, 1, NULL, "
        "1790000000000)");
  }
  ~TestStore() { sqlite3_close(db_); }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  const std::string& path() const { return path_; }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  // Writes the final text of row `row` and its event, in one transaction as
  // the writer does, and returns the text as it was written.
  TextRecord AddFinishedText(uint64_t row) {
    TextRecord text;
    text.id = TextId(1, row);
    text.batch_id = 1;
    text.recipient_id = row;
    text.line = row + 1;
    text.from = kFrom;
    text.created = absl::FromUnixMillis(1790000000000 + row * 1000);
    text.modified = text.created + absl::Milliseconds(250);
    if (row % 3 == 0) {  // a row that could not be sent
      text.state = RecipientState::kInvalid;
      text.reason = "not a NANP number";
    } else {
      text.to = 12135550000 + row;
      text.state = RecipientState::kFinished;
      text.result = TextResult::kSent;
      text.message = absl::StrCat("Hello \"", row, "\" \xe2\x9c\x93");
      text.segments = 1;
      text.zone = "America/Los_Angeles";
      text.attempts = 1;
      AttemptRecord& record = text.records.emplace_back();
      record.finish_time = text.modified;
      record.provider_id = absl::StrCat("p", row);
      record.segments = 1;
    }
    auto text_or_null = [](absl::string_view s) {
      if (s.empty()) return std::string("NULL");
      std::string out = "'";
      for (char c : s) {
        out.push_back(c);
        if (c == '\'') out.push_back('\'');
      }
      out.push_back('\'');
      return out;
    };
    std::string sql = absl::StrCat(
        "BEGIN; INSERT INTO texts VALUES (", text.id, ", 1, ", row, ", ",
        text.line, ", ", text.to == 0 ? "NULL" : absl::StrCat(text.to), ", '",
        StateName(text.state), "', ",
        text.result ? text_or_null(ResultName(*text.result)) : "NULL", ", ",
        text.attempts, ", NULL, NULL, ", text_or_null(text.message), ", ",
        text.segments, ", ", text_or_null(text.zone), ", ",
        text_or_null(text.reason), ", ", absl::ToUnixMillis(text.created), ", ",
        absl::ToUnixMillis(text.modified), ");");
    for (const AttemptRecord& record : text.records) {
      absl::StrAppend(&sql, "INSERT INTO attempts VALUES (", text.id, ", ",
                      record.attempt, ", ",
                      absl::ToUnixMillis(record.finish_time), ", '",
                      ResultName(record.result), "', '", record.provider_id,
                      "', ", record.segments, ");");
    }
    absl::StrAppend(&sql, "INSERT INTO events (text_id, at) VALUES (", text.id,
                    ", ", EventAt(row), "); COMMIT;");
    Exec(sql);
    return text;
  }

  // When the event of row `row` was written.
  static int64_t EventAt(uint64_t row) {
    return 1790000000000 + row * 1000 + 300;
  }

  int64_t CountEvents() {
    sqlite3_stmt* count = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM events", -1, &count,
                                 nullptr),
              SQLITE_OK);
    const int64_t n =
        sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : -1;
    sqlite3_finalize(count);
    return n;
  }

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
};

// The envelope's event for `text`, as docs/WEBHOOKS.md shows it.
json ExpectedEvent(const TextRecord& text) {
  return {{"timestamp", TestStore::EventAt(text.recipient_id)},
          {"webhookId", kWebhookId},
          {"resourceType", "OutboundText"},
          {"eventType", "Finished"},
          {"resource", TextJson(text, kRunId)}};
}

// Calls `done` every 5 ms until it returns true or kPatience has passed;
// returns its last answer.
bool WaitFor(const std::function<bool()>& done) {
  const absl::Time give_up = absl::Now() + kPatience;
  while (!done()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

class WebhookNotifierTest : public ::testing::Test {
 protected:
  WebhookNotifierTest() : store_(dir_.File("broadcast.db")) {}

  void StartMock(mock_provider::Options options = {}) {
    options.hook_secret = kSecret;
    options.clock = clock_;
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> mock =
        mock_provider::MockProvider::Start(options);
    ASSERT_TRUE(mock.ok()) << mock.status();
    mock_ = *std::move(mock);
  }

  // A config pointing at the mock's receiver, quick to retry.
  WebhookConfig Config() const {
    WebhookConfig config;
    config.url = absl::StrCat("http://127.0.0.1:", mock_->port(), "/hooks");
    config.id = kWebhookId;
    config.name = "broadcast events";
    config.secret = kSecret;
    config.batch_size = 10;
    config.max_delay = absl::Milliseconds(50);
    config.timeout = absl::Seconds(5);
    config.retry_initial = absl::Milliseconds(40);
    config.retry_max = absl::Milliseconds(160);
    return config;
  }

  std::unique_ptr<WebhookNotifier> StartNotifier(const WebhookConfig& config) {
    absl::StatusOr<std::unique_ptr<WebhookNotifier>> notifier =
        WebhookNotifier::Start(store_.path(), config, clock_);
    EXPECT_TRUE(notifier.ok()) << notifier.status();
    return notifier.ok() ? *std::move(notifier) : nullptr;
  }

  std::vector<TextRecord> AddTexts(uint64_t first, uint64_t count) {
    std::vector<TextRecord> texts;
    for (uint64_t row = first; row < first + count; ++row) {
      texts.push_back(store_.AddFinishedText(row));
    }
    return texts;
  }

  // The envelopes the receiver accepted, in order.
  std::vector<json> Accepted() const {
    std::vector<json> envelopes;
    for (const mock_provider::HookRequest& r : mock_->hook_requests()) {
      if (r.status == 200) envelopes.push_back(json::parse(r.body));
    }
    return envelopes;
  }

  // The events of the accepted envelopes, in order.
  std::vector<json> AcceptedEvents() const {
    std::vector<json> events;
    for (const json& envelope : Accepted()) {
      for (const json& event : envelope["events"]) events.push_back(event);
    }
    return events;
  }

  TempDir dir_;
  TestStore store_;
  // The clock the notifier and the receiver share; null means the real one.
  // Declared before mock_ so it outlives the receiver.
  std::optional<VirtualClock> virtual_clock_;
  Clock* clock_ = nullptr;
  std::unique_ptr<mock_provider::MockProvider> mock_;
};

TEST_F(WebhookNotifierTest, DeliversEventsInOrderInSignedBatches) {
  StartMock();
  std::vector<TextRecord> texts = AddTexts(1, 23);
  const absl::Time started = absl::Now();
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(Config());
  ASSERT_NE(notifier, nullptr);
  ASSERT_TRUE(WaitFor([&] { return AcceptedEvents().size() == 23; }));

  // More events while it runs, written by another connection as the store's
  // writer would.
  for (TextRecord& text : AddTexts(24, 4)) texts.push_back(std::move(text));
  notifier->Notify();
  ASSERT_TRUE(WaitFor([&] { return AcceptedEvents().size() == 27; }));
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::Seconds(5));
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 0u);
  EXPECT_EQ(store_.CountEvents(), 0);

  const std::vector<json> envelopes = Accepted();
  ASSERT_EQ(envelopes.size(), 4u);  // 10, 10, 3, then the 4 written later
  size_t next = 0;
  for (const json& envelope : envelopes) {
    EXPECT_GE(envelope["timestamp"].get<int64_t>(),
              absl::ToUnixMillis(started));
    EXPECT_LE(envelope["timestamp"].get<int64_t>(),
              absl::ToUnixMillis(absl::Now()));
    json expected = {{"timestamp", envelope["timestamp"]},
                     {"webhookId", kWebhookId},
                     {"webhookName", "broadcast events"},
                     {"resourceType", "OutboundText"},
                     {"events", json::array()}};
    for (size_t i = 0; i < envelope["events"].size(); ++i) {
      ASSERT_LT(next, texts.size());
      expected["events"].push_back(ExpectedEvent(texts[next++]));
    }
    EXPECT_EQ(envelope, expected);
  }
  EXPECT_EQ(next, texts.size());
  EXPECT_EQ(Accepted()[0]["events"].size(), 10u);
  EXPECT_EQ(Accepted()[1]["events"].size(), 10u);
  EXPECT_EQ(Accepted()[2]["events"].size(), 3u);

  // The receiver checked each signature (401 otherwise); check the header's
  // shape and its time too.
  for (const mock_provider::HookRequest& r : mock_->hook_requests()) {
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(VerifyWebhookSignature(kSecret, r.signature, r.body));
    EXPECT_THAT(r.signature,
                ::testing::MatchesRegex("t=[0-9]+,v1=[0-9a-f]{64}"));
  }
  const WebhookNotifier::Stats stats = notifier->stats();
  EXPECT_EQ(stats.posts, 4);
  EXPECT_EQ(stats.batches_delivered, 4);
  EXPECT_EQ(stats.events_delivered, 27);
  EXPECT_EQ(stats.retries, 0);
  EXPECT_EQ(stats.last_error, "");
  EXPECT_EQ(mock_->stats().hooks_accepted, 4);
  EXPECT_EQ(mock_->stats().hook_bad_signatures, 0);
}

TEST_F(WebhookNotifierTest, WaitsUpToMaxDelayToFillABatch) {
  StartMock();
  WebhookConfig config = Config();
  config.max_delay = absl::Milliseconds(400);
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(config);
  ASSERT_NE(notifier, nullptr);
  const absl::Time written = absl::Now();
  AddTexts(1, 3);
  notifier->Notify();
  ASSERT_TRUE(WaitFor([&] { return AcceptedEvents().size() == 3; }));
  // Neither sent at once nor held much past the delay.
  const absl::Duration waited = absl::Now() - written;
  EXPECT_GE(waited, absl::Milliseconds(350));
  EXPECT_LT(waited, absl::Seconds(5));
  EXPECT_EQ(Accepted().size(), 1u);

  // A full batch goes at once, and Finish() sends the rest without waiting.
  AddTexts(4, 12);
  notifier->Notify();
  ASSERT_TRUE(WaitFor([&] { return AcceptedEvents().size() >= 13; }));
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::Seconds(5));
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 0u);
  EXPECT_EQ(AcceptedEvents().size(), 15u);
}

// In simulated time: the notifier and the receiver share a VirtualClock,
// which jumps to the end of each back-off, so the gaps between the stamps of
// the requests are the back-offs exactly.
TEST_F(WebhookNotifierTest, RetriesAFailingEndpointUntilItRecovers) {
  clock_ = &virtual_clock_.emplace(absl::FromUnixSeconds(1794000000));
  mock_provider::Options options;
  options.hook_fail_first = 5;
  StartMock(options);
  const std::vector<TextRecord> texts = AddTexts(1, 25);
  const WebhookConfig config = Config();
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(config);
  ASSERT_NE(notifier, nullptr);
  ASSERT_TRUE(WaitFor([&] { return AcceptedEvents().size() == 25; }));
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::Seconds(5));
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 0u);
  EXPECT_EQ(store_.CountEvents(), 0);

  // Every event, once each, in order.
  const std::vector<json> events = AcceptedEvents();
  ASSERT_EQ(events.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(events[i], ExpectedEvent(texts[i])) << i;
  }

  // The failed requests were the first batch, sent again as it was, spaced
  // by a back-off that doubles from 40 ms up to 160 ms, each wait between
  // half and all of it.
  const std::vector<mock_provider::HookRequest> requests =
      mock_->hook_requests();
  ASSERT_EQ(requests.size(), 8u);  // 5 failures, then 3 batches
  const absl::Duration backoff[] = {
      absl::Milliseconds(40), absl::Milliseconds(80), absl::Milliseconds(160),
      absl::Milliseconds(160), absl::Milliseconds(160)};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(requests[i].status, 500);
    EXPECT_EQ(requests[i].body, requests[5].body);
    const absl::Duration gap = requests[i + 1].arrived - requests[i].arrived;
    EXPECT_GE(gap, backoff[i] / 2) << i;
    EXPECT_LE(gap, backoff[i]) << i;
  }
  const WebhookNotifier::Stats stats = notifier->stats();
  EXPECT_EQ(stats.posts, 8);
  EXPECT_EQ(stats.retries, 5);
  EXPECT_EQ(stats.batches_delivered, 3);
  EXPECT_EQ(stats.events_delivered, 25);
  EXPECT_EQ(stats.last_error, "the webhook answered HTTP 500");
}

TEST_F(WebhookNotifierTest, RetriesResetsAndServerErrors) {
  mock_provider::Options options;
  options.seed = 3;
  options.faults.error_rate = 0.3;
  options.faults.reset_rate = 0.2;
  StartMock(options);
  const std::vector<TextRecord> texts = AddTexts(1, 60);
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(Config());
  ASSERT_NE(notifier, nullptr);
  ASSERT_TRUE(WaitFor([&] { return AcceptedEvents().size() >= 60; }));
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::Seconds(5));
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 0u);
  const std::vector<json> events = AcceptedEvents();
  ASSERT_EQ(events.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(events[i], ExpectedEvent(texts[i])) << i;
  }
  const mock_provider::Stats mock = mock_->stats();
  const WebhookNotifier::Stats stats = notifier->stats();
  EXPECT_GT(mock.errors_500 + mock.errors_503 + mock.resets, 0);
  EXPECT_EQ(stats.retries, stats.posts - stats.batches_delivered);
  EXPECT_EQ(stats.batches_delivered, 6);
}

TEST_F(WebhookNotifierTest, KeepsEventsForTheNextRunWhenNobodyListens) {
  StartMock();
  WebhookConfig config = Config();
  ASSERT_TRUE(mock_->Stop().ok());  // nothing listens on its port now
  AddTexts(1, 15);
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(config);
  ASSERT_NE(notifier, nullptr);
  ASSERT_TRUE(WaitFor([&] { return notifier->stats().retries >= 2; }));

  const absl::Time finishing = absl::Now();
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::Milliseconds(300));
  const absl::Duration took = absl::Now() - finishing;
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 15u);
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(2));
  EXPECT_EQ(store_.CountEvents(), 15);
  const WebhookNotifier::Stats stats = notifier->stats();
  EXPECT_EQ(stats.events_delivered, 0);
  EXPECT_NE(stats.last_error, "");
  EXPECT_THAT(stats.last_error, Not(HasSubstr(kSecret)));
  notifier.reset();

  // The next run's notifier delivers them, the first ones first.
  StartMock();
  notifier = StartNotifier(Config());
  ASSERT_NE(notifier, nullptr);
  left = notifier->Finish(absl::Seconds(10));
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 0u);
  const std::vector<json> events = AcceptedEvents();
  ASSERT_EQ(events.size(), 15u);
  EXPECT_EQ(events.front()["resource"]["id"], TextId(1, 1));
  EXPECT_EQ(events.back()["resource"]["id"], TextId(1, 15));
}

TEST_F(WebhookNotifierTest, FinishReturnsByItsDeadlineWhenTheEndpointHangs) {
  mock_provider::Options options;
  options.faults.hang_rate = 1;
  StartMock(options);
  AddTexts(1, 5);
  WebhookConfig config = Config();
  config.timeout = absl::Seconds(60);
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(config);
  ASSERT_NE(notifier, nullptr);
  ASSERT_TRUE(WaitFor([&] { return mock_->stats().hangs >= 1; }));

  const absl::Time finishing = absl::Now();
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::Milliseconds(300));
  const absl::Duration took = absl::Now() - finishing;
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 5u);
  EXPECT_LT(took, absl::Seconds(2));
  EXPECT_EQ(store_.CountEvents(), 5);
  EXPECT_EQ(notifier->stats().events_delivered, 0);
  // Later calls answer the same.
  left = notifier->Finish(absl::Seconds(5));
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 5u);
}

TEST_F(WebhookNotifierTest, ARefusedSignatureKeepsTheEventsAndNotTheSecret) {
  StartMock();
  AddTexts(1, 3);
  WebhookConfig config = Config();
  config.secret = "not-the-receivers-secret";
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(config);
  ASSERT_NE(notifier, nullptr);
  ASSERT_TRUE(WaitFor([&] { return mock_->stats().hook_bad_signatures >= 2; }));
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::ZeroDuration());
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 3u);
  const WebhookNotifier::Stats stats = notifier->stats();
  EXPECT_EQ(stats.last_error, "the webhook answered HTTP 401");
  EXPECT_THAT(stats.last_error, Not(HasSubstr(config.secret)));
  EXPECT_TRUE(Accepted().empty());
}

TEST_F(WebhookNotifierTest, FinishesAtOnceWithNothingToSend) {
  StartMock();
  std::unique_ptr<WebhookNotifier> notifier = StartNotifier(Config());
  ASSERT_NE(notifier, nullptr);
  const absl::Time finishing = absl::Now();
  absl::StatusOr<uint64_t> left = notifier->Finish(absl::Seconds(10));
  ASSERT_TRUE(left.ok()) << left.status();
  EXPECT_EQ(*left, 0u);
  EXPECT_LT(absl::Now() - finishing, absl::Seconds(2));
  EXPECT_EQ(notifier->stats().posts, 0);
}

TEST_F(WebhookNotifierTest, RefusesADatabaseWithoutAnEventsTable) {
  const std::string path = dir_.Write("not-a-store.db", "");
  absl::StatusOr<std::unique_ptr<WebhookNotifier>> notifier =
      WebhookNotifier::Start(path, WebhookConfig{}, nullptr);
  ASSERT_FALSE(notifier.ok());
  EXPECT_THAT(notifier.status().message(), HasSubstr(path));
}

// ---------------------------------------------------------------------------
// The mock's receiver, over plain HTTP.

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Sends one request with libcurl; returns the status, `*body` the answer.
long Request(const std::string& url, const std::string* post,
             const std::vector<std::string>& headers, std::string* body) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  if (post != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post->c_str());
  }
  curl_slist* list = nullptr;
  for (const std::string& header : headers) {
    list = curl_slist_append(list, header.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return status;
}

TEST_F(WebhookNotifierTest, MockReceiverChecksSignaturesAndListsRequests) {
  StartMock();
  const std::string url =
      absl::StrCat("http://127.0.0.1:", mock_->port(), "/hooks");
  const std::string body = R"({"events":[]})";
  const std::string good = absl::StrCat(kWebhookSignatureHeader, ": ",
                                        SignWebhookBody(kSecret, 1, body));
  const std::string bad = absl::StrCat(kWebhookSignatureHeader, ": ",
                                       SignWebhookBody("wrong", 1, body));
  std::string answer;
  EXPECT_EQ(Request(url, &body, {good}, &answer), 200);
  answer.clear();
  EXPECT_EQ(Request(url, &body, {bad}, &answer), 401);
  EXPECT_THAT(answer, Not(HasSubstr(kSecret)));
  answer.clear();
  EXPECT_EQ(Request(url, &body, {}, &answer), 401);
  const std::string not_json = "{";
  answer.clear();
  EXPECT_EQ(Request(url, &not_json,
                    {absl::StrCat(kWebhookSignatureHeader, ": ",
                                  SignWebhookBody(kSecret, 1, not_json))},
                    &answer),
            400);

  answer.clear();
  ASSERT_EQ(Request(url, nullptr, {}, &answer), 200);
  const json listed = json::parse(answer);
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[0]["status"], 200);
  EXPECT_EQ(listed[0]["body"], body);
  EXPECT_EQ(listed[0]["signature"], SignWebhookBody(kSecret, 1, body));
  EXPECT_EQ(listed[1]["status"], 401);
  EXPECT_EQ(listed[2]["status"], 401);
  EXPECT_EQ(listed[3]["status"], 400);
  const mock_provider::Stats stats = mock_->stats();
  EXPECT_EQ(stats.hook_requests, 4);
  EXPECT_EQ(stats.hooks_accepted, 1);
  EXPECT_EQ(stats.hook_bad_signatures, 2);
  EXPECT_EQ(stats.requests, 0);  // the sending endpoints' count
}

// `herald run --webhook`: every recipient's Finished event reaches the
// endpoint once, even when it fails at first, with the text as the store
// keeps it; the messages themselves went out regardless.
TEST_F(WebhookNotifierTest, RunPostsEveryFinishedEventThroughTheCli) {
  mock_provider::Options options;
  options.hook_fail_first = 3;
  StartMock(options);
  std::string contacts = "phoneNumber,firstName\n";
  for (int i = 0; i < 120; ++i) {
    absl::StrAppend(&contacts, "213555", 1000 + i, ",n", i, "\n");
  }
  absl::StrAppend(&contacts, "2135551000,again\n", "12,short\n");
  dir_.Write("contacts.csv", contacts);
  dir_.Write(
      "campaign.json",
      R"({"name":"hooks","fromNumber":"67076","message":"Hi ${firstName}",)"
      R"("scrubDuplicates":true})");
  dir_.Write(
      "providers.json",
      absl::StrCat(R"({"providers":[{"name":"cf","type":"callfire",)",
                   R"("url":"http://127.0.0.1:)", mock_->port(), R"("}]})"));
  dir_.Write("hook.json",
             absl::StrCat(R"({"url":"http://127.0.0.1:)", mock_->port(),
                          R"(/hooks","id":4321,"name":"events",)",
                          R"("secretEnv":"HERALD_TEST_HOOK_SECRET",)",
                          R"("batchSize":50,"maxDelayMs":20,)",
                          R"("retryInitialMs":20,"retryMaxMs":100})"));
  std::string output;
  ASSERT_EQ(RunCommand(absl::StrCat("cd ", dir_.path(),
                                    " && HERALD_TEST_HOOK_SECRET='", kSecret,
                                    "' ", HERALD_BINARY,
                                    " run --campaign campaign.json --contacts "
                                    "contacts.csv --providers providers.json "
                                    "--provider cf --state state --webhook "
                                    "hook.json"),
                       &output),
            0)
      << output;
  EXPECT_THAT(output, Not(HasSubstr(kSecret)));
  std::map<std::string, int> states;
  std::set<int64_t> ids;
  for (const json& event : AcceptedEvents()) {
    EXPECT_EQ(event["eventType"], "Finished");
    EXPECT_EQ(event["resourceType"], "OutboundText");
    ++states[event["resource"]["state"].get<std::string>()];
    ids.insert(event["resource"]["id"].get<int64_t>());
    if (event["resource"]["state"] == "FINISHED") {
      EXPECT_EQ(event["resource"]["records"].size(), 1u);
      EXPECT_THAT(event["resource"]["message"].get<std::string>(),
                  StartsWith("Hi n"));
    }
  }
  EXPECT_EQ(ids.size(), 122u);  // each once
  EXPECT_EQ(states["FINISHED"], 120);
  EXPECT_EQ(states["DUP"], 1);
  EXPECT_EQ(states["INVALID"], 1);
  EXPECT_EQ(mock_->stats().accepted, 120);
  EXPECT_GE(mock_->stats().hook_requests, 3 + 3);  // the failures, then 3
}

}  // namespace
}  // namespace herald
