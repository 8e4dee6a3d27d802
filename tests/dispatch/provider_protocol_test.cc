// The provider protocols: the requests they build, byte for byte, what they
// make of every kind of answer, and a round trip per protocol through the
// in-process mock provider over real HTTP (libcurl), which proves that the
// request is one the provider takes.
#include "engine/dispatch/provider_protocol.h"

#include <curl/curl.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_util.h"
#include "tools/mock_provider/options.h"
#include "tools/mock_provider/protocol.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

constexpr char kPassword[] = "p@ss word+1";
// kPassword as it looks percent-encoded in a query.
constexpr char kEncodedPassword[] = "p%40ss%20word%2B1";

ProviderConfig CallFireConfig() {
  ProviderConfig config;
  config.name = "cf";
  config.type = ProviderType::kCallFire;
  config.url = "https://api.example.test/v2/";
  config.username = "api-login";
  config.password = kPassword;
  config.batch_size = 100;
  config.timeout = absl::Seconds(12);
  return config;
}

ProviderConfig KannelConfig() {
  ProviderConfig config;
  config.name = "k1";
  config.type = ProviderType::kKannel;
  config.url = "http://127.0.0.1:13013/cgi-bin/sendsms";
  config.username = "tester";
  config.password = kPassword;
  return config;
}

ProviderConfig HttpConfig() {
  ProviderConfig config;
  config.name = "gw";
  config.type = ProviderType::kHttp;
  config.url = "https://sms.example.test/v1/send?to=${toE164}&enc=${encoding}";
  config.username = "acct";
  config.password = kPassword;
  config.http.headers = {{"X-Api-Version", "2"}};
  config.http.body =
      R"({"to":"${to}","text":"${message}","parts":${segments},"ref":"${key}"})";
  return config;
}

ProviderText Text(PhoneNumber to, std::string message, std::string from = "",
                  std::string key = "",
                  SmsEncoding encoding = SmsEncoding::kGsm7) {
  ProviderText text;
  text.to = to;
  text.message = std::move(message);
  text.from = std::move(from);
  text.idempotency_key = std::move(key);
  text.encoding = encoding;
  return text;
}

HttpRequest Build(const ProviderProtocol& protocol,
                  const std::vector<ProviderText>& texts) {
  std::vector<const ProviderText*> views;
  for (const ProviderText& text : texts) views.push_back(&text);
  return protocol.BuildRequest(views);
}

HttpResponse Answer(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// The answers to `count` texts; each starts as a sentinel, so a test sees
// which ones ReadResponse left alone.
struct Read {
  absl::Status status;
  std::vector<TextAnswer> answers;
};

constexpr char kUntouched[] = "untouched";

Read ReadAnswers(const ProviderProtocol& protocol, const HttpResponse& response,
                 size_t count) {
  Read read;
  read.answers.resize(count);
  for (TextAnswer& answer : read.answers) answer.detail = kUntouched;
  read.status = protocol.ReadResponse(response, absl::MakeSpan(read.answers));
  return read;
}

// --- What every protocol reads alike ---

TEST(ProviderProtocolTest, EveryProtocolReadsTransportFailures429And5xxAlike) {
  for (const ProviderConfig& config :
       {CallFireConfig(), KannelConfig(), HttpConfig()}) {
    SCOPED_TRACE(config.name);
    const std::unique_ptr<ProviderProtocol> protocol =
        MakeProviderProtocol(config);
    const size_t n = static_cast<size_t>(protocol->max_batch() > 1 ? 2 : 1);

    HttpResponse timeout;
    timeout.transport = absl::DeadlineExceededError(
        "Operation timed out after 30000 milliseconds with 0 bytes received");
    Read read = ReadAnswers(*protocol, timeout, n);
    ASSERT_TRUE(read.status.ok()) << read.status;
    for (const TextAnswer& answer : read.answers) {
      EXPECT_EQ(answer.kind, AnswerKind::kFailed);
      EXPECT_EQ(answer.result, TextResult::kInternalError);
      EXPECT_TRUE(answer.maybe_taken);
      EXPECT_EQ(answer.detail,
                "no answer: Operation timed out after 30000 milliseconds with "
                "0 bytes received");
    }

    HttpResponse throttled = Answer(429, R"({"message":"slow down"})");
    throttled.retry_after = absl::Seconds(3);
    read = ReadAnswers(*protocol, throttled, n);
    ASSERT_TRUE(read.status.ok());
    for (const TextAnswer& answer : read.answers) {
      EXPECT_EQ(answer.kind, AnswerKind::kThrottled);
      EXPECT_EQ(answer.scope, ThrottleScope::kAccount);
      EXPECT_EQ(answer.retry_after, absl::Seconds(3));
      EXPECT_FALSE(answer.maybe_taken);
      EXPECT_EQ(answer.detail, R"(HTTP 429: {"message":"slow down"})");
    }

    read = ReadAnswers(*protocol, Answer(503, "Service Unavailable\r\n"), n);
    ASSERT_TRUE(read.status.ok());
    for (const TextAnswer& answer : read.answers) {
      EXPECT_EQ(answer.kind, AnswerKind::kFailed);
      EXPECT_EQ(answer.result, TextResult::kCarrierTempError);
      EXPECT_TRUE(answer.maybe_taken);
      EXPECT_EQ(answer.detail, "HTTP 503: Service Unavailable");
    }

    for (int status : {401, 403}) {
      read = ReadAnswers(*protocol, Answer(status, "Authorization failed"), n);
      EXPECT_EQ(read.status.code(), absl::StatusCode::kPermissionDenied);
      EXPECT_EQ(read.status.message(),
                absl::StrCat("provider ", config.name,
                             " refused the credentials (HTTP ", status, ")"));
      for (const TextAnswer& answer : read.answers) {
        EXPECT_EQ(answer.detail, kUntouched);
      }
    }
  }
}

TEST(ProviderProtocolTest, DetailsAreShortOneLineAndNeverShowThePassword) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(KannelConfig());
  // 200 bytes with the "..." that marks the cut would end inside the 99th
  // "é": the detail stops before it.
  std::string long_body = "x";
  for (int i = 0; i < 150; ++i) long_body.append("é");
  Read read = ReadAnswers(*protocol, Answer(500, long_body), 1);
  EXPECT_EQ(read.answers[0].detail,
            absl::StrCat("HTTP 500: ", long_body.substr(0, 197), "..."));

  read = ReadAnswers(*protocol, Answer(502, "line one\nline\ttwo"), 1);
  EXPECT_EQ(read.answers[0].detail, "HTTP 502: line one line two");

  // A gateway that echoes the request, password and all.
  read = ReadAnswers(
      *protocol,
      Answer(500, absl::StrCat("bad request: password=", kEncodedPassword, " (",
                               kPassword, ")")),
      1);
  EXPECT_EQ(read.answers[0].detail,
            "HTTP 500: bad request: password=**** (****)");

  HttpResponse refused;
  refused.transport = absl::UnavailableError(absl::StrCat(
      "Failed to connect to 127.0.0.1 port 13013 (", kPassword, ")"));
  read = ReadAnswers(*protocol, refused, 1);
  EXPECT_THAT(read.answers[0].detail, Not(HasSubstr(kPassword)));
}

// --- CallFire ---

TEST(CallFireProtocolTest, BuildsOneJsonArrayPerBatch) {
  ProviderConfig config = CallFireConfig();
  config.campaign_id = "4050600003";
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(config);
  EXPECT_EQ(protocol->max_batch(), 100);
  const HttpRequest request =
      Build(*protocol, {Text(12135551234, "Say \"hi\"\nto ünïcode 😀",
                             "12025550100", "run7-row1-a1"),
                        Text(13125550000, "plain")});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url,
            "https://api.example.test/v2/texts?campaignId=4050600003");
  EXPECT_THAT(request.headers,
              ElementsAre(Pair("Content-Type", "application/json")));
  EXPECT_EQ(request.username, "api-login");
  EXPECT_EQ(request.password, kPassword);
  EXPECT_EQ(request.timeout, absl::Seconds(12));
  EXPECT_EQ(
      request.body,
      R"([{"phoneNumber":"12135551234","message":"Say \"hi\"\nto ünïcode 😀",)"
      R"("fromNumber":"12025550100","attributes":{"idempotencyKey":"run7-row1-a1"}},)"
      R"({"phoneNumber":"13125550000","message":"plain"}])");
  EXPECT_TRUE(json::accept(request.body));

  // The mock reads it back as the texts that were meant.
  std::vector<mock_provider::OutgoingText> parsed;
  ASSERT_TRUE(
      mock_provider::ParseCallFireTexts(request.body, "", &parsed).ok());
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0].to, "12135551234");
  EXPECT_EQ(parsed[0].message, "Say \"hi\"\nto ünïcode 😀");
  EXPECT_EQ(parsed[0].from, "12025550100");
  EXPECT_EQ(parsed[0].key, "run7-row1-a1");
  EXPECT_TRUE(parsed[1].valid);
  EXPECT_EQ(parsed[1].from, "");

  config.campaign_id.clear();
  config.url = "https://api.example.test/v2";
  EXPECT_EQ(Build(*MakeProviderProtocol(config), {Text(12135551234, "x")}).url,
            "https://api.example.test/v2/texts");
}

TEST(CallFireProtocolTest, ReadsTheMocksItemsInOrder) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(CallFireConfig());
  std::vector<mock_provider::OutgoingText> texts(3);
  texts[0] = {"12135551234", "67076", "hello", "k0", true};
  texts[1] = {"123", "67076", "hello", "k1", false};
  texts[2] = {"12135551235", "67076", "again", "k2", true};
  const std::vector<mock_provider::Receipt> receipts = {
      {7, false}, {8, false}, {9, true}};
  std::string body;
  mock_provider::AppendCallFireItems(texts, receipts, &body);

  const Read read = ReadAnswers(*protocol, Answer(200, body), 3);
  ASSERT_TRUE(read.status.ok());
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kAccepted);
  EXPECT_EQ(read.answers[0].result, TextResult::kSent);
  EXPECT_EQ(read.answers[0].provider_id, "7");
  EXPECT_THAT(read.answers[0].detail, IsEmpty());
  EXPECT_EQ(read.answers[1].kind, AnswerKind::kRejected);
  EXPECT_EQ(read.answers[1].provider_id, "8");
  EXPECT_EQ(read.answers[1].detail, "INVALID");
  EXPECT_EQ(read.answers[2].kind, AnswerKind::kAccepted);
  EXPECT_EQ(read.answers[2].provider_id, "9");
}

TEST(CallFireProtocolTest, ReadsCallFiresOwnStatesAndResults) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(CallFireConfig());
  // From CallFire's documentation: a fresh text is READY; a finished one
  // carries its finalTextResult.
  const Read read = ReadAnswers(*protocol, Answer(200, R"({"items":[
      {"id":13413,"fromNumber":"67076","toNumber":"12135551100","state":"READY",
       "campaignId":20,"batchId":14,"message":"Hello World!"},
      {"id":"13414","state":"FINISHED","finalTextResult":"SENT"},
      {"id":13415,"state":"FINISHED","finalTextResult":"CARRIER_ERROR"},
      {"id":13416,"state":"FINISHED","finalTextResult":"CARRIER_TEMP_ERROR"},
      {"id":13417,"state":"FINISHED","finalTextResult":"UNDIALED"},
      {"id":13418,"state":"DNC"},
      {"id":13419,"state":"TIMEOUT"},
      {"id":13420},
      "not an item"]})"),
                                9);
  ASSERT_TRUE(read.status.ok());
  const std::vector<TextAnswer>& a = read.answers;
  EXPECT_EQ(a[0].kind, AnswerKind::kAccepted);
  EXPECT_EQ(a[0].provider_id, "13413");
  EXPECT_EQ(a[1].kind, AnswerKind::kAccepted);
  EXPECT_EQ(a[1].provider_id, "13414");
  EXPECT_EQ(a[2].kind, AnswerKind::kFailed);
  EXPECT_EQ(a[2].result, TextResult::kCarrierError);
  EXPECT_FALSE(a[2].maybe_taken);
  EXPECT_EQ(a[2].detail, "FINISHED CARRIER_ERROR");
  EXPECT_EQ(a[3].kind, AnswerKind::kFailed);
  EXPECT_EQ(a[3].result, TextResult::kCarrierTempError);
  EXPECT_EQ(a[4].kind, AnswerKind::kFailed);
  EXPECT_EQ(a[4].result, TextResult::kInternalError);
  EXPECT_EQ(a[4].detail, "FINISHED UNDIALED");
  EXPECT_EQ(a[5].kind, AnswerKind::kRejected);
  EXPECT_EQ(a[6].kind, AnswerKind::kFailed);
  EXPECT_EQ(a[6].detail, "TIMEOUT");
  for (int i : {7, 8}) {
    EXPECT_EQ(a[i].kind, AnswerKind::kFailed);
    EXPECT_EQ(a[i].result, TextResult::kInternalError);
    EXPECT_TRUE(a[i].maybe_taken);
    EXPECT_THAT(a[i].detail,
                HasSubstr("unreadable answer (an item without a state)"));
  }
}

TEST(CallFireProtocolTest, AnUnreadableAnswerMayHaveTakenEveryText) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(CallFireConfig());
  const std::vector<std::pair<std::string, std::string>> cases = {
      // What the mock's garbage fault sends: truncated JSON.
      {R"({"items":[{"id":1,"state":"FINI)", "no items"},
      {"<html><body>Bad Gateway</body></html>", "no items"},
      {R"({"items":{}})", "no items"},
      {"", "no items"},
      {R"({"items":[{"id":1,"state":"FINISHED","finalTextResult":"SENT"}]})",
       "1 items for 2 texts"},
      {R"({"items":[{"state":"READY"},{"state":"READY"},{"state":"READY"}]})",
       "3 items for 2 texts"},
  };
  for (const auto& [body, why] : cases) {
    const Read read = ReadAnswers(*protocol, Answer(200, body), 2);
    ASSERT_TRUE(read.status.ok());
    for (const TextAnswer& answer : read.answers) {
      EXPECT_EQ(answer.kind, AnswerKind::kFailed) << body;
      EXPECT_EQ(answer.result, TextResult::kInternalError) << body;
      EXPECT_TRUE(answer.maybe_taken) << body;
      EXPECT_THAT(answer.detail, HasSubstr(absl::StrCat("unreadable answer (",
                                                        why, "): HTTP 200")))
          << body;
    }
  }
}

TEST(CallFireProtocolTest, A400RejectsALoneTextButNotABatch) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(CallFireConfig());
  const std::string error = mock_provider::CallFireError(
      400, "recipient 0: phoneNumber must be a string");
  Read read = ReadAnswers(*protocol, Answer(400, error), 1);
  ASSERT_TRUE(read.status.ok());
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kRejected);
  EXPECT_EQ(read.answers[0].detail, absl::StrCat("HTTP 400: ", error));

  read = ReadAnswers(*protocol, Answer(400, error), 3);
  for (const TextAnswer& answer : read.answers) {
    EXPECT_EQ(answer.kind, AnswerKind::kFailed);
    EXPECT_EQ(answer.result, TextResult::kInternalError);
    EXPECT_FALSE(answer.maybe_taken);
  }

  read = ReadAnswers(*protocol, Answer(404, "Not Found"), 2);
  for (const TextAnswer& answer : read.answers) {
    EXPECT_EQ(answer.kind, AnswerKind::kFailed);
    EXPECT_EQ(answer.result, TextResult::kInternalError);
    EXPECT_FALSE(answer.maybe_taken);
    EXPECT_EQ(answer.detail, "unexpected HTTP 404: Not Found");
  }
}

// --- Kannel ---

TEST(KannelProtocolTest, SendsAGsm7TextAsOneGetWithUtf8) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(KannelConfig());
  EXPECT_EQ(protocol->max_batch(), 1);
  const HttpRequest request = Build(
      *protocol, {Text(12135551234, "Hi & bye+1 ü", "12025550100", "k-1")});
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            absl::StrCat("http://127.0.0.1:13013/cgi-bin/sendsms?username="
                         "tester&password=",
                         kEncodedPassword,
                         "&from=12025550100&to=%2B12135551234&text=Hi%20%26%20"
                         "bye%2B1%20%C3%BC&coding=0&charset=UTF-8"));
  EXPECT_THAT(request.headers, ElementsAre(Pair("Idempotency-Key", "k-1")));
  EXPECT_THAT(request.body, IsEmpty());
  // Kannel takes its credentials as parameters, not as Basic auth.
  EXPECT_THAT(request.username, IsEmpty());
  EXPECT_THAT(request.password, IsEmpty());
  EXPECT_EQ(request.timeout, absl::Seconds(30));
}

TEST(KannelProtocolTest, SendsAUcs2TextAsUtf16BeBytes) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(KannelConfig());
  const std::string message = "Привет 😀";
  const HttpRequest request = Build(
      *protocol,
      {Text(12135551234, message, "12025550100", "", SmsEncoding::kUcs2)});
  // П р и в е т are 041F 0440 0438 0432 0435 0442, the emoji the pair
  // D83D DE00; bytes that are unreserved ASCII ('8', '2', '5', 'B') stay.
  EXPECT_THAT(request.url, HasSubstr("&text=%04%1F%04%40%048%042%045%04B%00%20"
                                     "%D8%3D%DE%00&coding=2&charset=UTF-16BE"));
  EXPECT_THAT(request.headers, IsEmpty());  // no key, no header

  // The mock decodes the parameters back to the same text.
  std::vector<std::pair<std::string, std::string>> params;
  ASSERT_TRUE(mock_provider::ParseFormParams(
      request.url.substr(request.url.find('?') + 1), &params));
  std::string text, charset;
  for (const auto& [name, value] : params) {
    if (name == "text") text = value;
    if (name == "charset") charset = value;
  }
  absl::StatusOr<std::string> decoded =
      mock_provider::KannelTextToUtf8(text, 2, charset);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, message);
}

TEST(KannelProtocolTest, KeepsAQueryTheUrlHasAndOmitsWhatIsNotGiven) {
  ProviderConfig config = KannelConfig();
  config.url = "http://kannel.test/cgi-bin/sendsms?smsc=fake";
  config.username.clear();
  config.password.clear();
  EXPECT_EQ(Build(*MakeProviderProtocol(config), {Text(12135551234, "x")}).url,
            "http://kannel.test/cgi-bin/sendsms?smsc=fake&to=%2B12135551234&"
            "text=x&coding=0&charset=UTF-8");
  config.url = "http://kannel.test/cgi-bin/sendsms";
  EXPECT_EQ(Build(*MakeProviderProtocol(config), {Text(12135551234, "x")}).url,
            "http://kannel.test/cgi-bin/sendsms?to=%2B12135551234&text=x&"
            "coding=0&charset=UTF-8");
}

TEST(KannelProtocolTest, AsksForReceiptsAtTheCallbackWithTheirRoute) {
  ProviderConfig config = KannelConfig();
  config.callback_url = "http://10.0.0.5:8080";
  config.callback_secret = "cb-secret-0123456789";
  ProviderText text = Text(12135551234, "x");
  text.broadcast = 7;
  text.text_id = 20000000003;
  text.attempt = 2;
  text.segments = 3;  // bearerbox reports the parts as one
  const HttpRequest request = Build(*MakeProviderProtocol(config), {text});
  std::vector<std::pair<std::string, std::string>> params;
  ASSERT_TRUE(mock_provider::ParseFormParams(
      request.url.substr(request.url.find('?') + 1), &params));
  std::map<std::string, std::string> by_name(params.begin(), params.end());
  EXPECT_EQ(by_name["dlr-mask"], "31");
  // Kannel fills in the %-placeholders when it calls the URL.
  EXPECT_EQ(by_name["dlr-url"],
            "http://10.0.0.5:8080/callbacks/k1/receipt?"
            "secret=cb-secret-0123456789&b=7&t=20000000003&a=2&"
            "type=%d&id=%F&at=%T&reply=%A");

  // A text of no broadcast (a hub used on its own), or a provider without
  // a callback URL, asks for none.
  text.broadcast = 0;
  EXPECT_THAT(Build(*MakeProviderProtocol(config), {text}).url,
              Not(HasSubstr("dlr-")));
  text.broadcast = 7;
  EXPECT_THAT(Build(*MakeProviderProtocol(KannelConfig()), {text}).url,
              Not(HasSubstr("dlr-")));
}

TEST(KannelProtocolTest, ReadsKannelsAnswers) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(KannelConfig());
  for (const char* accepted :
       {"0: Accepted for delivery", "3: Queued for later delivery"}) {
    const Read read = ReadAnswers(*protocol, Answer(202, accepted), 1);
    ASSERT_TRUE(read.status.ok());
    EXPECT_EQ(read.answers[0].kind, AnswerKind::kAccepted);
    EXPECT_EQ(read.answers[0].result, TextResult::kSent);
  }

  // The mock's garbage fault.
  Read read = ReadAnswers(
      *protocol, Answer(200, "<html><body>Gateway Timeout</body></html>"), 1);
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kFailed);
  EXPECT_EQ(read.answers[0].result, TextResult::kInternalError);
  EXPECT_TRUE(read.answers[0].maybe_taken);
  EXPECT_EQ(read.answers[0].detail,
            "unreadable answer (not Kannel's answer): HTTP 200: "
            "<html><body>Gateway Timeout</body></html>");

  read = ReadAnswers(
      *protocol,
      Answer(400,
             "Number(s) has/have been denied by white- and/or black-lists."),
      1);
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kRejected);
  EXPECT_FALSE(read.answers[0].maybe_taken);
  EXPECT_EQ(read.answers[0].detail,
            "HTTP 400: Number(s) has/have been denied by white- and/or "
            "black-lists.");

  read = ReadAnswers(*protocol, Answer(403, "Authorization failed for sendsms"),
                     1);
  EXPECT_EQ(read.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(read.status.message(),
            "provider k1 refused the credentials (HTTP 403)");

  // No detail ever holds the URL, which carries the password.
  for (const HttpResponse& response :
       {Answer(202, "0: Accepted"), Answer(400, "Malformed URL encoding"),
        Answer(302, ""), Answer(500, "")}) {
    read = ReadAnswers(*protocol, response, 1);
    EXPECT_THAT(read.answers[0].detail,
                AllOf(Not(HasSubstr("sendsms")), Not(HasSubstr("password")),
                      Not(HasSubstr(kEncodedPassword))));
  }
}

// --- http ---

TEST(HttpProtocolTest, RendersAJsonTemplate) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(HttpConfig());
  EXPECT_EQ(protocol->max_batch(), 1);
  ProviderText text = Text(12135551234, "Say \"hi\"\n& bye", "12025550100",
                           "run7/row1#a1", SmsEncoding::kUcs2);
  text.segments = 2;
  const HttpRequest request = Build(*protocol, {text});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url,
            "https://sms.example.test/v1/send?to=%2B12135551234&enc=UCS-2");
  EXPECT_THAT(request.headers,
              ElementsAre(Pair("X-Api-Version", "2"),
                          Pair("Idempotency-Key", "run7/row1#a1"),
                          Pair("Content-Type", "application/json")));
  EXPECT_EQ(request.body,
            R"({"to":"12135551234","text":"Say \"hi\"\n& bye","parts":2,)"
            R"("ref":"run7/row1#a1"})");
  EXPECT_TRUE(json::accept(request.body));
  EXPECT_EQ(request.username, "acct");
  EXPECT_EQ(request.password, kPassword);
}

TEST(HttpProtocolTest, RendersAFormTemplateWithItsOwnHeaders) {
  ProviderConfig config = HttpConfig();
  config.url = "https://sms.example.test/v1/send";
  config.http.method = "PUT";
  config.http.body_escaping = HttpTemplate::Escaping::kForm;
  config.http.body = "from=${from}&to=${toE164}&text=${message}&id=${key}";
  config.http.headers = {{"idempotency-key", "herald-${key}"},
                         {"Content-Type", "application/x-www-form-urlencoded"}};
  const HttpRequest request =
      Build(*MakeProviderProtocol(config),
            {Text(12135551234, "50% off & more", "+12025550100", "a b")});
  EXPECT_EQ(request.method, "PUT");
  EXPECT_THAT(
      request.headers,
      ElementsAre(Pair("idempotency-key", "herald-a b"),
                  Pair("Content-Type", "application/x-www-form-urlencoded")));
  EXPECT_EQ(request.body,
            "from=%2B12025550100&to=%2B12135551234&text=50%25%20off%20%26%20"
            "more&id=a%20b");
}

TEST(HttpProtocolTest, AGetSendsNoBody) {
  ProviderConfig config = HttpConfig();
  config.http.method = "GET";
  config.http.body.clear();
  config.http.headers.clear();
  config.url = "http://gw.test/send?to=${to}&text=${message}&n=${segments}";
  const HttpRequest request =
      Build(*MakeProviderProtocol(config), {Text(12135551234, "a+b=c")});
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "http://gw.test/send?to=12135551234&text=a%2Bb%3Dc&n=1");
  EXPECT_THAT(request.body, IsEmpty());
  EXPECT_THAT(request.headers, IsEmpty());
}

TEST(HttpProtocolTest, AnUncheckedTemplateRendersUnknownPlaceholdersAsText) {
  ProviderConfig config = HttpConfig();
  config.http.body_escaping = HttpTemplate::Escaping::kNone;
  config.http.body = "${phone} ${message} ${";
  EXPECT_EQ(Build(*MakeProviderProtocol(config), {Text(12135551234, "m")}).body,
            "${phone} m ${");
}

TEST(HttpProtocolTest, MapsStatusesByDefault) {
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(HttpConfig());
  Read read = ReadAnswers(*protocol, Answer(200, "{\"id\":\"abc\"}"), 1);
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kAccepted);
  EXPECT_THAT(read.answers[0].detail, IsEmpty());
  read = ReadAnswers(*protocol, Answer(204, ""), 1);
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kAccepted);
  read = ReadAnswers(*protocol, Answer(422, "bad number"), 1);
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kRejected);
  EXPECT_EQ(read.answers[0].detail, "HTTP 422: bad number");
  read = ReadAnswers(*protocol, Answer(302, ""), 1);
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kFailed);
  EXPECT_EQ(read.answers[0].result, TextResult::kInternalError);
  EXPECT_FALSE(read.answers[0].maybe_taken);
  EXPECT_EQ(read.answers[0].detail, "unexpected HTTP 302");
}

TEST(HttpProtocolTest, StatusResultsWinExactlyThenByClass) {
  ProviderConfig config = HttpConfig();
  config.http.status_results = {
      {"2xx", StatusVerdict::kInternalError},
      {"202", StatusVerdict::kSent},
      {"4xx", StatusVerdict::kCarrierError},
      {"409", StatusVerdict::kInvalid},
      {"5xx", StatusVerdict::kCarrierError},
      {"503", StatusVerdict::kThrottled},
  };
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(config);
  const auto answer = [&](int status) {
    HttpResponse response = Answer(status, "");
    response.retry_after = absl::Seconds(9);
    Read read = ReadAnswers(*protocol, response, 1);
    EXPECT_TRUE(read.status.ok()) << status;
    return read.answers[0];
  };
  EXPECT_EQ(answer(202).kind, AnswerKind::kAccepted);
  EXPECT_EQ(answer(200).kind, AnswerKind::kFailed);
  EXPECT_EQ(answer(200).result, TextResult::kInternalError);
  EXPECT_FALSE(answer(200).maybe_taken);
  EXPECT_EQ(answer(404).result, TextResult::kCarrierError);
  EXPECT_FALSE(answer(404).maybe_taken);
  EXPECT_EQ(answer(409).kind, AnswerKind::kRejected);
  EXPECT_EQ(answer(500).result, TextResult::kCarrierError);
  EXPECT_TRUE(answer(500).maybe_taken);
  EXPECT_EQ(answer(503).kind, AnswerKind::kThrottled);
  EXPECT_EQ(answer(503).retry_after, absl::Seconds(9));
  // "4xx" does not reach 429, 401 or 403.
  EXPECT_EQ(answer(429).kind, AnswerKind::kThrottled);
  EXPECT_EQ(ReadAnswers(*protocol, Answer(401, ""), 1).status.code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReadAnswers(*protocol, Answer(403, ""), 1).status.code(),
            absl::StatusCode::kPermissionDenied);

  // An exact key does.
  config.http.status_results = {{"403", StatusVerdict::kInvalid}};
  const Read read =
      ReadAnswers(*MakeProviderProtocol(config), Answer(403, "blocked"), 1);
  ASSERT_TRUE(read.status.ok());
  EXPECT_EQ(read.answers[0].kind, AnswerKind::kRejected);
}

// --- Round trips through the mock provider ---

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Sends `request` as HttpClient would, with a plain libcurl easy handle.
HttpResponse Send(const HttpRequest& request) {
  HttpResponse response;
  CURL* curl = curl_easy_init();
  std::string headers;
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 20000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& [name, value] : request.headers) {
    list = curl_slist_append(list, absl::StrCat(name, ": ", value).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  if (!request.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl, CURLOPT_USERNAME, request.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, request.password.c_str());
  }
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    response.transport = absl::UnavailableError(curl_easy_strerror(code));
  } else {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
  }
  for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
    int seconds;
    if (absl::ConsumePrefix(&line, "Retry-After:") &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &seconds)) {
      response.retry_after = absl::Seconds(seconds);
    }
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return response;
}

// Reads what `protocol` makes of sending `texts` through the mock.
Read RoundTrip(const ProviderProtocol& protocol,
               const std::vector<ProviderText>& texts) {
  return ReadAnswers(protocol, Send(Build(protocol, texts)), texts.size());
}

std::vector<json> LogLines(const std::string& path) {
  std::vector<json> lines;
  for (absl::string_view line :
       absl::StrSplit(ReadWholeFile(path), '\n', absl::SkipEmpty())) {
    lines.push_back(json::parse(line));
  }
  return lines;
}

class MockRoundTripTest : public ::testing::Test {
 protected:
  void Start(const std::string& user) {
    options_.user = user;
    options_.password = user.empty() ? "" : kPassword;
    options_.log_path = dir_.File("log.jsonl");
    absl::StatusOr<std::unique_ptr<mock_provider::MockProvider>> provider =
        mock_provider::MockProvider::Start(options_);
    ASSERT_TRUE(provider.ok()) << provider.status();
    provider_ = *std::move(provider);
    base_ = absl::StrCat("http://127.0.0.1:", provider_->port());
  }

  std::vector<json> StopAndReadLog() {
    EXPECT_TRUE(provider_->Stop().ok());
    return LogLines(options_.log_path);
  }

  TempDir dir_;
  mock_provider::Options options_;
  std::unique_ptr<mock_provider::MockProvider> provider_;
  std::string base_;
};

TEST_F(MockRoundTripTest, CallFire) {
  ASSERT_NO_FATAL_FAILURE(Start("api-login"));
  ProviderConfig config = CallFireConfig();
  config.url = base_;
  config.campaign_id = "7";
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(config);
  const std::vector<ProviderText> texts = {
      Text(12135551234, "Say \"hi\" to ünïcode", "12025550100", "row1"),
      Text(12135551235, "", "12025550100", "row2"),  // INVALID: no message
      Text(13125550000, "third", "", "row3"),
  };
  const Read first = RoundTrip(*protocol, texts);
  ASSERT_TRUE(first.status.ok()) << first.status;
  EXPECT_EQ(first.answers[0].kind, AnswerKind::kAccepted);
  EXPECT_EQ(first.answers[1].kind, AnswerKind::kRejected);
  EXPECT_EQ(first.answers[2].kind, AnswerKind::kAccepted);
  EXPECT_NE(first.answers[0].provider_id, first.answers[2].provider_id);

  // Sent again with the same keys, the batch is acknowledged, not re-sent.
  const Read again = RoundTrip(*protocol, texts);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.answers[0].provider_id, first.answers[0].provider_id);
  EXPECT_EQ(again.answers[2].provider_id, first.answers[2].provider_id);
  EXPECT_EQ(provider_->stats().duplicates, 2);

  config.password = "wrong";
  const Read refused = RoundTrip(*MakeProviderProtocol(config), texts);
  EXPECT_EQ(refused.status.code(), absl::StatusCode::kPermissionDenied);

  const std::vector<json> log = StopAndReadLog();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["to"], "12135551234");
  EXPECT_EQ(log[0]["from"], "12025550100");
  EXPECT_EQ(log[0]["message"], "Say \"hi\" to ünïcode");
  EXPECT_EQ(log[0]["key"], "row1");
  EXPECT_EQ(log[1]["from"], "");
  EXPECT_EQ(log[1]["key"], "row3");
}

TEST_F(MockRoundTripTest, Kannel) {
  ASSERT_NO_FATAL_FAILURE(Start("tester"));
  ProviderConfig config = KannelConfig();
  config.url = absl::StrCat(base_, "/cgi-bin/sendsms");
  const std::unique_ptr<ProviderProtocol> protocol =
      MakeProviderProtocol(config);
  const Read gsm = RoundTrip(
      *protocol, {Text(12135551234, "Hi & bye+1 @£$", "12025550100", "g1")});
  ASSERT_TRUE(gsm.status.ok()) << gsm.status;
  EXPECT_EQ(gsm.answers[0].kind, AnswerKind::kAccepted);
  const Read ucs2 = RoundTrip(
      *protocol,
      {Text(12135551235, "Привет 😀", "12025550100", "u1", SmsEncoding::kUcs2)});
  ASSERT_TRUE(ucs2.status.ok());
  EXPECT_EQ(ucs2.answers[0].kind, AnswerKind::kAccepted);

  config.password = "wrong";
  const Read refused = RoundTrip(*MakeProviderProtocol(config),
                                 {Text(12135551234, "x", "12025550100")});
  EXPECT_EQ(refused.status.code(), absl::StatusCode::kPermissionDenied);

  const std::vector<json> log = StopAndReadLog();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["to"], "12135551234");
  EXPECT_EQ(log[0]["message"], "Hi & bye+1 @£$");
  EXPECT_EQ(log[0]["key"], "g1");
  EXPECT_EQ(log[0]["endpoint"], "sendsms");
  EXPECT_EQ(log[1]["message"], "Привет 😀");
  EXPECT_EQ(log[1]["key"], "u1");
}

TEST_F(MockRoundTripTest, HttpTemplatesForBothOfTheMocksEndpoints) {
  ASSERT_NO_FATAL_FAILURE(Start(""));
  // CallFire's shape written as a JSON template.
  ProviderConfig json_config = HttpConfig();
  json_config.username.clear();
  json_config.url = absl::StrCat(base_, "/texts");
  json_config.http.headers.clear();
  json_config.http.body =
      R"([{"phoneNumber":"${to}","message":"${message}","fromNumber":"${from}"}])";
  const Read json_read =
      RoundTrip(*MakeProviderProtocol(json_config),
                {Text(12135551234, "Say \"hi\"\\ \n", "12025550100", "j1")});
  ASSERT_TRUE(json_read.status.ok());
  EXPECT_EQ(json_read.answers[0].kind, AnswerKind::kAccepted);

  // Kannel's sendsms as a form POST.
  ProviderConfig form_config = json_config;
  form_config.url = absl::StrCat(base_, "/cgi-bin/sendsms");
  form_config.http.body_escaping = HttpTemplate::Escaping::kForm;
  form_config.http.body = "from=${from}&to=${toE164}&text=${message}";
  const Read form_read =
      RoundTrip(*MakeProviderProtocol(form_config),
                {Text(12135551235, "50% off & more", "12025550100", "f1")});
  ASSERT_TRUE(form_read.status.ok());
  EXPECT_EQ(form_read.answers[0].kind, AnswerKind::kAccepted);

  const std::vector<json> log = StopAndReadLog();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["message"], "Say \"hi\"\\ \n");
  EXPECT_EQ(log[0]["key"], "j1");  // from the Idempotency-Key header
  EXPECT_EQ(log[1]["to"], "12135551235");
  EXPECT_EQ(log[1]["message"], "50% off & more");
  EXPECT_EQ(log[1]["key"], "f1");
}

}  // namespace
}  // namespace herald
