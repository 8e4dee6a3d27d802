// The mock provider as its users see it: a real server on 127.0.0.1 driven
// over HTTP with libcurl, its log file and its /stats counts.
#include <curl/curl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "herald/clock.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/faults.h"
#include "tools/mock_provider/options.h"
#include "tools/mock_provider/protocol.h"
#include "tools/mock_provider/server.h"

namespace herald::mock_provider {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Long enough for a loaded sanitizer build, short enough to end a stuck test.
constexpr long kTimeoutMs = 20000;

// What came back for one request.
struct Answer {
  CURLcode code = CURLE_OK;  // CURLE_OK when an HTTP answer arrived
  long status = 0;
  std::string headers;
  std::string body;

  json Json() const { return json::parse(body, nullptr, false); }

  // The value of header `name`, or "" when absent.
  std::string Header(absl::string_view name) const {
    for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
      const size_t colon = line.find(':');
      if (colon != absl::string_view::npos &&
          absl::EqualsIgnoreCase(line.substr(0, colon), name)) {
        return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
      }
    }
    return "";
  }
};

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// A libcurl easy handle talking to one server; reusing the handle keeps the
// connection alive between requests, as a real client would.
class Client {
 public:
  explicit Client(uint16_t port)
      : base_(absl::StrCat("http://127.0.0.1:", port)),
        curl_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Opens a new connection for every request. libcurl silently resends a
  // request once when a reused connection dies before any answer, which
  // would hide the resets a test wants to see.
  void UseFreshConnections() { fresh_ = true; }

  // Sends Basic auth with every later request.
  void SetBasicAuth(const std::string& user, const std::string& password) {
    user_ = user;
    password_ = password;
  }

  Answer Post(const std::string& path, const std::string& body,
              const std::vector<std::string>& headers = {},
              long timeout_ms = kTimeoutMs) {
    return Perform(path, &body, headers, timeout_ms);
  }

  Answer Get(const std::string& path, const std::vector<std::string>& headers,
             long timeout_ms = kTimeoutMs) {
    return Perform(path, nullptr, headers, timeout_ms);
  }
  Answer Get(const std::string& path) { return Get(path, {}); }

  // Returns `text` %-encoded for a query string.
  std::string Escape(absl::string_view text) {
    char* escaped =
        curl_easy_escape(curl_, text.data(), static_cast<int>(text.size()));
    std::string out = escaped;
    curl_free(escaped);
    return out;
  }

 private:
  Answer Perform(const std::string& path, const std::string* body,
                 const std::vector<std::string>& headers, long timeout_ms) {
    Answer answer;
    curl_easy_reset(curl_);
    const std::string url = base_ + path;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, Collect);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &answer.headers);
    // Without a "100 Continue" from the server, a request with
    // "Expect: 100-continue" then times out instead of going on after 1 s.
    curl_easy_setopt(curl_, CURLOPT_EXPECT_100_TIMEOUT_MS, 10 * kTimeoutMs);
    if (fresh_) {
      curl_easy_setopt(curl_, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(curl_, CURLOPT_FORBID_REUSE, 1L);
    }
    if (body != nullptr) {
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(body->size()));
    }
    curl_slist* list = nullptr;
    for (const std::string& header : headers) {
      list = curl_slist_append(list, header.c_str());
    }
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    if (!user_.empty()) {
      curl_easy_setopt(curl_, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl_, CURLOPT_USERNAME, user_.c_str());
      curl_easy_setopt(curl_, CURLOPT_PASSWORD, password_.c_str());
    }
    answer.code = curl_easy_perform(curl_);
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &answer.status);
    curl_slist_free_all(list);
    return answer;
  }

  const std::string base_;
  CURL* const curl_;
  std::string user_;
  std::string password_;
  bool fresh_ = false;
};

std::unique_ptr<MockProvider> Serve(const Options& options) {
  absl::StatusOr<std::unique_ptr<MockProvider>> provider =
      MockProvider::Start(options);
  EXPECT_TRUE(provider.ok()) << provider.status();
  return provider.ok() ? *std::move(provider) : nullptr;
}

// A TextRecipient; `key` goes into attributes.idempotencyKey when set.
json Recipient(const std::string& phone, const std::string& message,
               const std::string& from = "67076", const std::string& key = "") {
  json r = {{"phoneNumber", phone}, {"message", message}, {"fromNumber", from}};
  if (!key.empty()) r["attributes"] = {{"idempotencyKey", key}};
  return r;
}

// One message from `from` as a CallFire body.
std::string OneText(const std::string& from = "67076") {
  return json::array({Recipient("12135551234", "hello", from)}).dump();
}

std::vector<json> LogLines(const std::string& path) {
  std::vector<json> lines;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(path), '\n', absl::SkipEmpty())) {
    lines.push_back(json::parse(line));
  }
  return lines;
}

// Most tests talk to one provider through one client; they set options_, then
// start it.
class MockProviderTest : public ::testing::Test {
 protected:
  void Start() {
    provider_ = Serve(options_);
    ASSERT_NE(provider_, nullptr);
    client_ = std::make_unique<Client>(provider_->port());
  }

  // Start()s with a log that Logged() reads back.
  void StartLogged() {
    options_.log_path = dir_.File("log.jsonl");
    Start();
  }

  std::vector<json> Logged() const { return LogLines(options_.log_path); }

  TempDir dir_;
  Options options_;
  // A test's clock for the server (Options::clock), outliving it.
  std::optional<ManualClock> clock_;
  // Declared before the client, so that the client disconnects first.
  std::unique_ptr<MockProvider> provider_;
  std::unique_ptr<Client> client_;
};

TEST_F(MockProviderTest, AcceptsACallFireBatchAndLogsItInOrder) {
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  const json batch = {Recipient("12135551234", "first \"quoted\""),
                      Recipient("2135551235", "second ünïcode"),
                      Recipient("+13125550000", "third", "12025550100")};
  const Answer answer = client_->Post("/texts?campaignId=7", batch.dump(),
                                      {"Content-Type: application/json"});
  ASSERT_EQ(answer.code, CURLE_OK);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Header("Content-Type"), "application/json");
  const json items = answer.Json()["items"];
  ASSERT_EQ(items.size(), 3u) << answer.body;
  std::set<int64_t> ids;
  for (const json& item : items) {
    EXPECT_EQ(item["state"], "FINISHED");
    EXPECT_EQ(item["finalTextResult"], "SENT");
    ids.insert(item["id"].get<int64_t>());
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(items[1]["toNumber"], "12135551235");
  EXPECT_EQ(items[2]["fromNumber"], "12025550100");
  EXPECT_EQ(items[0]["message"], "first \"quoted\"");

  // The /v2 path answers too, and a client waiting for "100 Continue".
  json big = json::array();
  for (int i = 0; i < 100; ++i) {
    big.push_back(Recipient(absl::StrCat(12135550000 + i), "batch"));
  }
  const Answer continued =
      client_->Post("/v2/texts", big.dump(), {"Expect: 100-continue"});
  ASSERT_EQ(continued.code, CURLE_OK);
  EXPECT_EQ(continued.Json()["items"].size(), 100u);

  ASSERT_TRUE(provider_->Stop().ok());
  const std::vector<json> lines = Logged();
  ASSERT_EQ(lines.size(), 103u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(lines[i]["id"], items[i]["id"]);
    EXPECT_EQ(lines[i]["to"], items[i]["toNumber"]);
    EXPECT_EQ(lines[i]["message"], batch[i]["message"]);
    EXPECT_EQ(lines[i]["from"], batch[i]["fromNumber"]);
    EXPECT_EQ(lines[i]["key"], "");
    EXPECT_EQ(lines[i]["endpoint"], "texts");
    EXPECT_THAT(lines[i]["arrivedAt"].get<std::string>(),
                ::testing::MatchesRegex(
                    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                    "\\.[0-9]{6}Z"));
  }
  EXPECT_EQ(lines[102]["to"], "12135550099");
  EXPECT_EQ(provider_->stats().accepted, 103);
  EXPECT_EQ(provider_->stats().texts_requests, 2);
}

TEST_F(MockProviderTest, MarksBadCallFireRecipientsInvalidAndDropsThem) {
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  const json batch = {Recipient("12135551234", "ok"),
                      Recipient("555-1234", "short number"),
                      Recipient("11135551234", "area code starts with 1"),
                      Recipient("12135551234", "")};
  const Answer answer = client_->Post("/texts", batch.dump());
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json items = answer.Json()["items"];
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0]["state"], "FINISHED");
  EXPECT_EQ(items[1]["state"], "INVALID");
  EXPECT_EQ(items[1]["toNumber"], "555-1234");
  EXPECT_FALSE(items[1].contains("finalTextResult"));
  EXPECT_EQ(items[2]["state"], "INVALID");
  EXPECT_EQ(items[3]["state"], "INVALID");

  ASSERT_TRUE(provider_->Stop().ok());
  EXPECT_EQ(Logged().size(), 1u);
  EXPECT_EQ(provider_->stats().invalid, 3);
  EXPECT_EQ(provider_->stats().accepted, 1);
}

TEST_F(MockProviderTest,
       RejectsMalformedCallFireBodiesWithCallFiresErrorShape) {
  ASSERT_NO_FATAL_FAILURE(Start());

  for (const std::string body :
       {"[{\"phoneNumber\":", "{\"phoneNumber\":\"12135551234\"}", "[]",
        "[{\"phoneNumber\":12135551234,\"message\":\"x\"}]", "[1]"}) {
    const Answer answer = client_->Post("/texts", body);
    EXPECT_EQ(answer.status, 400) << body;
    const json error = answer.Json();
    ASSERT_TRUE(error.is_object()) << answer.body;
    EXPECT_EQ(error["httpStatusCode"], 400);
    EXPECT_EQ(error["internalCode"], 0);
    EXPECT_TRUE(error["message"].is_string());
  }
  EXPECT_EQ(provider_->stats().bad_requests, 5);
  EXPECT_EQ(provider_->stats().accepted, 0);
  // The connection survives a 400.
  EXPECT_EQ(provider_->stats().connections, 1);
}

TEST_F(MockProviderTest, CallFireNeedsBasicAuthWhenAUserIsSet) {
  options_.user = "herald";
  options_.password = "s3cret";
  ASSERT_NO_FATAL_FAILURE(Start());

  Answer answer = client_->Post("/texts", OneText());
  EXPECT_EQ(answer.status, 401);
  EXPECT_THAT(answer.Header("WWW-Authenticate"), HasSubstr("Basic"));
  EXPECT_EQ(answer.Json()["httpStatusCode"], 401);
  client_->SetBasicAuth("herald", "wrong");
  EXPECT_EQ(client_->Post("/texts", OneText()).status, 401);
  client_->SetBasicAuth("herald", "s3cret");
  EXPECT_EQ(client_->Post("/texts", OneText()).status, 200);

  EXPECT_EQ(provider_->stats().auth_failures, 2);
  EXPECT_EQ(provider_->stats().accepted, 1);
}

TEST_F(MockProviderTest, AcceptsKannelSendsmsByGetAndPost) {
  options_.user = "kannel";
  options_.password = "pw";
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  Answer answer = client_->Get(absl::StrCat(
      "/cgi-bin/sendsms?username=kannel&password=pw&from=67076&to=",
      client_->Escape("+12135551234"), "&text=", client_->Escape("Hi & bye"),
      "&dlr-mask=31"));
  EXPECT_EQ(answer.code, CURLE_OK);
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(answer.body, "0: Accepted for delivery");

  answer = client_->Post("/cgi-bin/sendsms",
                         "user=kannel&pass=pw&from=67076&to=2135551235&text=by+"
                         "post",
                         {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(answer.status, 202) << answer.body;

  ASSERT_TRUE(provider_->Stop().ok());
  const std::vector<json> lines = Logged();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["to"], "12135551234");
  EXPECT_EQ(lines[0]["from"], "67076");
  EXPECT_EQ(lines[0]["message"], "Hi & bye");
  EXPECT_EQ(lines[0]["endpoint"], "sendsms");
  EXPECT_EQ(lines[1]["message"], "by post");
  EXPECT_EQ(provider_->stats().sendsms_requests, 2);
}

TEST_F(MockProviderTest, DecodesKannelUcs2Text) {
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  // "Hi €😀" in UTF-16BE: the emoji is a surrogate pair.
  const std::string ucs2("\x00H\x00i\x00 \x20\xAC\xD8\x3D\xDE\x00", 12);
  const std::string query =
      absl::StrCat("/cgi-bin/sendsms?from=67076&to=12135551234&coding=2&text=",
                   client_->Escape(ucs2));
  EXPECT_EQ(client_->Get(query + "&charset=UTF-16BE").status, 202);
  // UTF-16BE is the default charset for coding 2.
  EXPECT_EQ(client_->Get(query).status, 202);
  // Latin-1 when asked.
  EXPECT_EQ(client_
                ->Get(absl::StrCat("/cgi-bin/sendsms?from=1&to=12135551234&"
                                   "charset=ISO-8859-1&text=",
                                   client_->Escape("caf\xE9")))
                .status,
            202);

  ASSERT_TRUE(provider_->Stop().ok());
  const std::vector<json> lines = Logged();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["message"], "Hi \u20ac\U0001F600");
  EXPECT_EQ(lines[1]["message"], "Hi \u20ac\U0001F600");
  EXPECT_EQ(lines[2]["message"], "caf\u00e9");
}

TEST_F(MockProviderTest, RejectsKannelRequestsInKannelsWords) {
  options_.user = "kannel";
  options_.password = "pw";
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string auth = "/cgi-bin/sendsms?username=kannel&password=pw";

  struct Case {
    std::string query;
    long status;
    std::string answer;
  };
  const Case cases[] = {
      {"/cgi-bin/sendsms?username=kannel&password=no&from=1&to=12135551234",
       403, "Authorization failed for sendsms"},
      {"/cgi-bin/sendsms?from=1&to=12135551234", 403,
       "Authorization failed for sendsms"},
      {auth + "&from=1&text=x", 400, "Missing receiver number, rejected"},
      {auth + "&from=1&to=&text=x", 400,
       "Empty receiver number not allowed, rejected"},
      {auth + "&to=12135551234&text=x", 400,
       "Sender missing and no global set, rejected"},
      {auth + "&from=1&to=12135551234&coding=7", 400,
       "Coding field misformed, rejected"},
      {auth + "&from=1&to=12135551234&coding=2&text=%00", 400,
       "Charset or body misformed, rejected"},
      {auth + "&from=1&to=12135551234&charset=EBCDIC&text=x", 400,
       "Charset or body misformed, rejected"},
      {auth + "&from=1&to=555&text=x", 400,
       "Number(s) has/have been denied by white- and/or black-lists."},
  };
  for (const Case& c : cases) {
    const Answer answer = client_->Get(c.query);
    EXPECT_EQ(answer.status, c.status) << c.query;
    EXPECT_EQ(answer.body, c.answer) << c.query;
  }
  EXPECT_EQ(provider_->stats().auth_failures, 2);
  EXPECT_EQ(provider_->stats().bad_requests, 7);
  EXPECT_EQ(provider_->stats().accepted, 0);
}

TEST_F(MockProviderTest, AnswersUnknownPathsAndMethods) {
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(client_->Get("/nothing").status, 404);
  EXPECT_EQ(client_->Get("/texts").status, 405);
  EXPECT_EQ(client_->Post("/stats", "").status, 405);
  EXPECT_EQ(provider_->stats().requests, 0);
}

TEST_F(MockProviderTest, DeduplicatesOnTheIdempotencyKeyHeader) {
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  const Answer first =
      client_->Post("/texts", OneText(), {"Idempotency-Key: text-1"});
  const Answer again =
      client_->Post("/texts", OneText(), {"Idempotency-Key: text-1"});
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.Json()["items"][0]["id"], first.Json()["items"][0]["id"]);
  EXPECT_EQ(again.Json()["items"][0]["state"], "FINISHED");

  const std::string sendsms =
      "/cgi-bin/sendsms?from=67076&to=12135551234&text=hi";
  EXPECT_EQ(client_->Get(sendsms, {"Idempotency-Key: sms-1"}).status, 202);
  EXPECT_EQ(client_->Get(sendsms, {"Idempotency-Key: sms-1"}).status, 202);
  EXPECT_EQ(client_->Get(sendsms, {"Idempotency-Key: sms-2"}).status, 202);

  // /stats flushes the log: what it counts is in the file.
  const json stats = client_->Get("/stats").Json();
  EXPECT_EQ(stats["messagesAccepted"], 3);
  EXPECT_EQ(stats["duplicates"], 2);
  const std::vector<json> lines = Logged();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["key"], "text-1");
  EXPECT_EQ(lines[1]["key"], "sms-1");
  EXPECT_EQ(lines[2]["key"], "sms-2");
}

TEST_F(MockProviderTest, DeduplicatesBatchRecipientsOnTheirOwnKeys) {
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  const json first = {Recipient("12135551234", "a", "1", "k1"),
                      Recipient("12135551235", "b", "1", "k2"),
                      Recipient("12135551236", "c", "1", "k3")};
  const json second = {Recipient("12135551235", "b", "1", "k2"),
                       Recipient("12135551237", "d", "1", "k4")};
  const json first_items =
      client_->Post("/texts", first.dump()).Json()["items"];
  const json second_items =
      client_->Post("/texts", second.dump()).Json()["items"];
  ASSERT_EQ(first_items.size(), 3u);
  ASSERT_EQ(second_items.size(), 2u);
  EXPECT_EQ(second_items[0]["id"], first_items[1]["id"]);
  EXPECT_NE(second_items[1]["id"], first_items[2]["id"]);

  // A batch retried whole under one header key is deduplicated per recipient.
  const json batch = {Recipient("12135551238", "e"),
                      Recipient("12135551239", "f")};
  const json once =
      client_->Post("/texts", batch.dump(), {"Idempotency-Key: batch-9"})
          .Json()["items"];
  const json twice =
      client_->Post("/texts", batch.dump(), {"Idempotency-Key: batch-9"})
          .Json()["items"];
  EXPECT_EQ(once, twice);

  const Stats stats = provider_->stats();
  EXPECT_EQ(stats.accepted, 6);
  EXPECT_EQ(stats.duplicates, 3);
  ASSERT_TRUE(provider_->Stop().ok());
  std::vector<std::string> keys;
  for (const json& line : Logged()) {
    keys.push_back(line["key"]);
  }
  EXPECT_THAT(keys,
              ElementsAre("k1", "k2", "k3", "k4", "batch-9#0", "batch-9#1"));
}

TEST_F(MockProviderTest, ErrorRateAnswers500And503AtAboutItsRate) {
  options_.seed = 7;
  options_.faults.error_rate = 0.5;
  ASSERT_NO_FATAL_FAILURE(Start());

  std::vector<long> statuses;
  int ok = 0, e500 = 0, e503 = 0;
  for (int i = 0; i < 200; ++i) {
    const Answer answer = client_->Post("/texts", OneText());
    ASSERT_EQ(answer.code, CURLE_OK);
    statuses.push_back(answer.status);
    if (answer.status == 200) ++ok;
    if (answer.status == 500) ++e500;
    if (answer.status == 503) {
      ++e503;
      EXPECT_EQ(answer.Json()["httpStatusCode"], 503);
    }
  }
  EXPECT_EQ(ok + e500 + e503, 200);
  // Binomial(200, 0.5) errors, split evenly: far inside these bands.
  EXPECT_GE(e500 + e503, 70);
  EXPECT_LE(e500 + e503, 130);
  EXPECT_GE(e500, 25);
  EXPECT_GE(e503, 25);
  const Stats stats = provider_->stats();
  EXPECT_EQ(stats.accepted, ok);
  EXPECT_EQ(stats.errors_500, e500);
  EXPECT_EQ(stats.errors_503, e503);

  // The same seed and the same requests meet the same faults.
  std::unique_ptr<MockProvider> replay = Serve(options_);
  ASSERT_NE(replay, nullptr);
  Client replay_client(replay->port());
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(replay_client.Post("/texts", OneText()).status, statuses[i])
        << "request " << i;
  }
}

// On a clock the test moves: the window of a sender is exact.
TEST_F(MockProviderTest, RateLimitAnswers429WithRetryAfter) {
  ManualClock& clock = clock_.emplace(absl::FromUnixSeconds(1794000000));
  options_.clock = &clock;
  options_.faults.rate_limit = 5;
  options_.faults.retry_after_s = 2;
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  json six = json::array();
  for (int i = 0; i < 6; ++i) six.push_back(Recipient("12135551234", "x", "A"));
  // More than the limit in one request can never pass.
  Answer answer = client_->Post("/texts", six.dump());
  EXPECT_EQ(answer.status, 429);
  EXPECT_EQ(answer.Header("Retry-After"), "2");
  EXPECT_EQ(answer.Json()["httpStatusCode"], 429);

  six.erase(six.begin());
  EXPECT_EQ(client_->Post("/texts", six.dump()).status, 200);
  // A's five of this second are used up, through either API.
  EXPECT_EQ(client_->Post("/texts", OneText("A")).status, 429);
  const Answer kannel_over =
      client_->Get("/cgi-bin/sendsms?from=A&to=12135551234&text=x");
  EXPECT_EQ(kannel_over.status, 429);
  EXPECT_EQ(kannel_over.Header("Retry-After"), "2");
  // Another sender has a window of its own.
  EXPECT_EQ(client_->Post("/texts", OneText("B")).status, 200);
  // A second later A has room again.
  clock.Advance(absl::Seconds(1));
  EXPECT_EQ(client_->Post("/texts", OneText("A")).status, 200);

  // Asking ten times a second for four seconds: the log never shows more
  // than 5 messages from A within one second, and 20 of the 40 pass.
  int passed = 0;
  for (int i = 0; i < 40; ++i) {
    clock.Advance(absl::Milliseconds(100));
    if (client_->Post("/texts", OneText("A")).status == 200) ++passed;
  }
  EXPECT_EQ(passed, 20);
  ASSERT_TRUE(provider_->Stop().ok());
  std::vector<absl::Time> arrivals;
  for (const json& line : Logged()) {
    if (line["from"] != "A") continue;
    absl::Time t;
    std::string error;
    ASSERT_TRUE(
        absl::ParseTime(absl::RFC3339_full, line["arrivedAt"], &t, &error))
        << error;
    arrivals.push_back(t);
  }
  ASSERT_EQ(arrivals.size(), 5u + 1 + 20);
  for (size_t i = 5; i < arrivals.size(); ++i) {
    EXPECT_GE(arrivals[i] - arrivals[i - 5], absl::Seconds(1)) << i;
  }
  EXPECT_GE(provider_->stats().rate_limited, 1);
}

TEST_F(MockProviderTest, ResetRateResetsConnectionsWithoutAccepting) {
  options_.seed = 3;
  options_.faults.reset_rate = 0.3;
  ASSERT_NO_FATAL_FAILURE(Start());
  client_->UseFreshConnections();

  int ok = 0, failed = 0;
  for (int i = 0; i < 100; ++i) {
    const Answer answer = client_->Post("/texts", OneText());
    if (answer.code == CURLE_OK) {
      EXPECT_EQ(answer.status, 200);
      ++ok;
    } else {
      EXPECT_THAT(answer.code,
                  ::testing::AnyOf(CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
                                   CURLE_SEND_ERROR))
          << curl_easy_strerror(answer.code);
      ++failed;
    }
  }
  EXPECT_GE(failed, 12);
  EXPECT_LE(failed, 50);
  const Stats stats = provider_->stats();
  EXPECT_EQ(stats.resets, failed);
  EXPECT_EQ(stats.accepted, ok);
  EXPECT_EQ(stats.connections, 100);
}

TEST_F(MockProviderTest,
       HangRateLeavesRequestsUnansweredUntilTheClientGivesUp) {
  options_.seed = 5;
  options_.faults.hang_rate = 0.25;
  ASSERT_NO_FATAL_FAILURE(Start());

  int ok = 0, timed_out = 0;
  for (int i = 0; i < 24; ++i) {
    // Long enough for an answer from a sanitizer build, short for a hang.
    const Answer answer = client_->Post("/texts", OneText(), {}, 400);
    if (answer.code == CURLE_OPERATION_TIMEDOUT) {
      ++timed_out;
    } else {
      EXPECT_EQ(answer.status, 200) << curl_easy_strerror(answer.code);
      ++ok;
    }
  }
  EXPECT_GE(timed_out, 2);
  EXPECT_LE(timed_out, 14);
  const Stats stats = provider_->stats();
  EXPECT_EQ(stats.hangs, timed_out);
  EXPECT_EQ(stats.accepted, ok);
}

TEST_F(MockProviderTest, GarbageRateAnswersMalformedBodiesWithoutAccepting) {
  options_.seed = 11;
  options_.faults.garbage_rate = 0.3;
  ASSERT_NO_FATAL_FAILURE(Start());

  int ok = 0, garbage = 0;
  for (int i = 0; i < 100; ++i) {
    const Answer answer = client_->Post("/texts", OneText());
    ASSERT_EQ(answer.status, 200);
    if (answer.Json().is_discarded()) {
      ++garbage;
    } else {
      ++ok;
    }
  }
  int kannel_garbage = 0;
  for (int i = 0; i < 50; ++i) {
    const Answer answer =
        client_->Get("/cgi-bin/sendsms?from=1&to=12135551234&text=x");
    if (answer.status == 200) {
      EXPECT_FALSE(absl::StartsWith(answer.body, "0:"));
      ++kannel_garbage;
    } else {
      EXPECT_EQ(answer.status, 202);
    }
  }
  EXPECT_GE(garbage, 12);
  EXPECT_LE(garbage, 50);
  EXPECT_GE(kannel_garbage, 3);
  const Stats stats = provider_->stats();
  EXPECT_EQ(stats.garbage, garbage + kannel_garbage);
  EXPECT_EQ(stats.accepted, ok + 50 - kannel_garbage);
}

TEST_F(MockProviderTest, LatencyDelaysAnswersOfMessagesAlreadyAccepted) {
  options_.faults.latency_ms = 300;
  options_.faults.latency_jitter_ms = 50;
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client_->Post("/texts", OneText()).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(300));

  // A client that gives up first cannot know the message arrived; it did.
  EXPECT_EQ(client_->Post("/texts", OneText("late"), {}, 100).code,
            CURLE_OPERATION_TIMEDOUT);
  ASSERT_TRUE(provider_->Stop().ok());
  const std::vector<json> lines = Logged();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1]["from"], "late");
}

TEST_F(MockProviderTest, ServesConcurrentClientsOnSeveralThreads) {
  options_.threads = 2;
  ASSERT_NO_FATAL_FAILURE(StartLogged());

  constexpr int kClients = 4;
  constexpr int kRequests = 50;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      Client client(provider_->port());
      for (int i = 0; i < kRequests; ++i) {
        // Every client sends the same keys: each key arrives once.
        const json batch = {
            Recipient("12135551234", "x", absl::StrCat(c), absl::StrCat(i)),
            Recipient("12135551235", "y", absl::StrCat(c))};
        EXPECT_EQ(client.Post("/texts", batch.dump()).status, 200);
      }
    });
  }
  for (std::thread& t : clients) t.join();
  const Stats stats = provider_->stats();
  EXPECT_EQ(stats.texts_requests, kClients * kRequests);
  EXPECT_EQ(stats.accepted, kRequests + kClients * kRequests);
  EXPECT_EQ(stats.duplicates, (kClients - 1) * kRequests);
  ASSERT_TRUE(provider_->Stop().ok());
  EXPECT_EQ(Logged().size(), static_cast<size_t>(stats.accepted));
}

TEST_F(MockProviderTest, StopClosesHangingConnections) {
  options_.faults.hang_rate = 1;
  ASSERT_NO_FATAL_FAILURE(Start());
  Answer answer;
  std::thread waiting([&] {
    Client client(provider_->port());
    answer = client.Post("/texts", OneText());
  });
  while (provider_->stats().hangs == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(provider_->Stop().ok());
  waiting.join();
  EXPECT_NE(answer.code, CURLE_OK);
  EXPECT_NE(answer.code, CURLE_OPERATION_TIMEDOUT);
}

TEST_F(MockProviderTest, RefusesBadOptionsAndABusyPort) {
  Options options;
  options.faults.error_rate = 0.6;
  options.faults.hang_rate = 0.6;
  EXPECT_EQ(MockProvider::Start(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = Options();
  options.user = "u";
  EXPECT_EQ(MockProvider::Start(options).status().code(),
            absl::StatusCode::kInvalidArgument);

  std::unique_ptr<MockProvider> first = Serve(Options());
  ASSERT_NE(first, nullptr);
  options = Options();
  options.port = first->port();
  EXPECT_EQ(MockProvider::Start(options).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(MockProviderProtocolTest, NormalizesNanpNumbers) {
  std::string digits;
  EXPECT_TRUE(NormalizeNanp("2135551234", &digits));
  EXPECT_EQ(digits, "12135551234");
  EXPECT_TRUE(NormalizeNanp("+12135551234", &digits));
  EXPECT_EQ(digits, "12135551234");
  for (const char* bad : {"", "213555123", "22135551234", "0135551234",
                          "2130551234", "213-555-1234", "+1213555123x"}) {
    EXPECT_FALSE(NormalizeNanp(bad, &digits)) << bad;
  }
}

TEST(MockProviderProtocolTest, MatchesBasicAuth) {
  // "user:pa:ss" in base64; the password may hold a colon.
  EXPECT_TRUE(BasicAuthMatches("Basic dXNlcjpwYTpzcw==", "user", "pa:ss"));
  EXPECT_TRUE(BasicAuthMatches("basic  dXNlcjpwYTpzcw==", "user", "pa:ss"));
  EXPECT_FALSE(BasicAuthMatches("Basic dXNlcjpwYTpzcw==", "user", "pa"));
  EXPECT_FALSE(BasicAuthMatches("Bearer dXNlcjpwYTpzcw==", "user", "pa:ss"));
  EXPECT_FALSE(BasicAuthMatches("Basic !!!", "user", "pa:ss"));
  EXPECT_FALSE(BasicAuthMatches("", "user", "pa:ss"));
}

TEST(MockProviderProtocolTest, ParsesFormParams) {
  std::vector<std::pair<std::string, std::string>> params;
  ASSERT_TRUE(ParseFormParams("a=1&b=x+y%26z&&flag&c=", &params));
  EXPECT_THAT(params,
              ElementsAre(std::pair<std::string, std::string>{"a", "1"},
                          std::pair<std::string, std::string>{"b", "x y&z"},
                          std::pair<std::string, std::string>{"flag", ""},
                          std::pair<std::string, std::string>{"c", ""}));
  EXPECT_FALSE(ParseFormParams("a=%4", &params));
  EXPECT_FALSE(ParseFormParams("a=%zz", &params));
}

TEST(MockProviderProtocolTest, RefusesBrokenUtf16) {
  EXPECT_FALSE(KannelTextToUtf8(std::string("\x00", 1), 2, "").ok());
  EXPECT_FALSE(KannelTextToUtf8("\xD8\x3D", 2, "").ok());
  EXPECT_FALSE(KannelTextToUtf8("\xDE\x00\x00H", 2, "UCS-2").ok());
  EXPECT_FALSE(KannelTextToUtf8("\xff", 0, "").ok());
}

TEST(MockProviderFaultsTest, RateLimiterSlidesItsWindow) {
  SenderRateLimiter limiter(3);
  absl::Time now = absl::FromUnixSeconds(1800000000);
  const absl::Time start = now;
  auto at = [&](int millis) {
    now = start + absl::Milliseconds(millis);
    return [&] { return now; };
  };
  absl::Time admitted;
  using Counts = std::vector<std::pair<absl::string_view, int64_t>>;
  EXPECT_TRUE(limiter.TryAdmit(Counts{{"a", 2}}, at(0), &admitted));
  EXPECT_EQ(admitted, start);
  EXPECT_TRUE(limiter.TryAdmit(Counts{{"a", 1}, {"b", 3}}, at(500), &admitted));
  EXPECT_FALSE(limiter.TryAdmit(Counts{{"a", 1}}, at(999), &admitted));
  // A refused request records nothing, for any of its senders.
  EXPECT_FALSE(
      limiter.TryAdmit(Counts{{"c", 1}, {"b", 1}}, at(999), &admitted));
  EXPECT_TRUE(limiter.TryAdmit(Counts{{"c", 3}}, at(999), &admitted));
  // The first two left the window at start + 1 s.
  EXPECT_TRUE(limiter.TryAdmit(Counts{{"a", 2}}, at(1000), &admitted));
  EXPECT_FALSE(limiter.TryAdmit(Counts{{"a", 1}}, at(1499), &admitted));
  EXPECT_TRUE(limiter.TryAdmit(Counts{{"a", 1}}, at(1500), &admitted));
  EXPECT_EQ(admitted, start + absl::Milliseconds(1500));
}

// The binary: port on the first line, credentials from the environment or a
// private file, and a flushed log after SIGTERM.
class MockProviderBinaryTest : public ::testing::Test {
 protected:
  // Starts the binary with `args` and `env`, reading its first line.
  void Launch(const std::vector<std::string>& args,
              const std::vector<std::string>& env) {
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> argv_strings = {HERALD_MOCK_PROVIDER_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (std::string& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings = env;
    for (std::string& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    ASSERT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(),
                          envp.data()),
              0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[256] = {};
    if (fgets(line, sizeof(line), stdout_) != nullptr) first_line_ = line;
  }

  // Sends `signal` and returns the exit status, or -1.
  int StopWith(int signal) {
    kill(pid_, signal);
    return Wait();
  }

  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  uint16_t Port() const {
    const size_t colon = first_line_.rfind(':');
    int port = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(
                              absl::string_view(first_line_).substr(colon + 1)),
                          &port)) {
      ADD_FAILURE() << "no port in \"" << first_line_ << "\"";
    }
    return static_cast<uint16_t>(port);
  }

  void TearDown() override {
    if (pid_ > 0) StopWith(SIGKILL);
    if (stdout_ != nullptr) fclose(stdout_);
  }

  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  std::string first_line_;
  TempDir dir_;
};

TEST_F(MockProviderBinaryTest, ServesUntilSigtermAndFlushesItsLog) {
  const std::string log = dir_.File("log.jsonl");
  Launch({"--port", "0", "--user", "herald", "--log", log, "--log-flush-ms",
          "60000", "--max-seconds", "60"},
         {"MOCK_PASSWORD=s3cret"});
  EXPECT_THAT(first_line_,
              ::testing::MatchesRegex("listening on 127\\.0\\.0\\.1:[0-9]+\n"));
  Client client(Port());
  EXPECT_EQ(client.Post("/texts", OneText()).status, 401);
  client.SetBasicAuth("herald", "s3cret");
  EXPECT_EQ(client.Post("/texts", OneText()).status, 200);
  EXPECT_EQ(StopWith(SIGTERM), 0);
  EXPECT_EQ(LogLines(log).size(), 1u);
}

TEST_F(MockProviderBinaryTest, StopsByItselfAfterMaxSeconds) {
  const std::string password = dir_.Write("password", "s3cret\n");
  ASSERT_EQ(chmod(password.c_str(), 0600), 0);
  Launch({"--user", "u", "--password-file", password, "--max-seconds", "2"},
         {});
  Client client(Port());
  client.SetBasicAuth("u", "s3cret");
  EXPECT_EQ(client.Post("/texts", OneText()).status, 200);
  EXPECT_EQ(Wait(), 0);
}

TEST_F(MockProviderBinaryTest, RefusesAPasswordFileOthersCanRead) {
  const std::string password = dir_.Write("password", "s3cret\n");
  ASSERT_EQ(chmod(password.c_str(), 0644), 0);
  std::string output;
  EXPECT_EQ(RunCommand(absl::StrCat(HERALD_MOCK_PROVIDER_BINARY,
                                    " --user u --max-seconds 5",
                                    " --password-file ", password),
                       &output),
            2);
  EXPECT_THAT(output, HasSubstr("chmod 600"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("s3cret")));
}

}  // namespace
}  // namespace herald::mock_provider
