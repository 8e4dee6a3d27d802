// The providers file: every field read, every mistake named by file and
// field, and the password taken from the environment or an owner-only file,
// never shown.
#include "engine/dispatch/provider_config.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "engine/dispatch/provider_protocol.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace herald {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// Every test's secret: no error message may ever hold it.
constexpr char kSecret[] = "s3cr3t-Pa55";
constexpr char kCallbackSecret[] = "cb-0123456789abcdef";

// An environment with KANNEL_PASSWORD and CF_PASSWORD set to kSecret and
// EMPTY_PASSWORD set but empty.
EnvLookup FakeEnv() {
  return [](absl::string_view name) -> std::optional<std::string> {
    static const std::map<std::string, std::string, std::less<>> kEnv = {
        {"KANNEL_PASSWORD", kSecret}, {"CF_PASSWORD", kSecret},
        {"EMPTY_PASSWORD", ""},       {"CALLBACK_SECRET", kCallbackSecret},
        {"SHORT_SECRET", "abc"},      {"ODD_SECRET", "0123456789abcdef%2F"},
    };
    const auto it = kEnv.find(name);
    if (it == kEnv.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<std::vector<ProviderConfig>> Parse(absl::string_view json) {
  return ParseProvidersFile(json, "providers.json", FakeEnv());
}

// The error for `json`, which must not parse.
std::string ErrorOf(absl::string_view json) {
  absl::StatusOr<std::vector<ProviderConfig>> parsed = Parse(json);
  EXPECT_FALSE(parsed.ok()) << json;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(parsed.status().message());
}

// A file of one provider: `fields` go inside its object.
std::string OneProvider(absl::string_view fields) {
  return absl::StrCat("{\"providers\":[{", fields, "}]}");
}

const ProviderText kText = {12135551234,        "67076", "hi",
                            SmsEncoding::kGsm7, 1,       "k-1-1-1"};

constexpr char kKannelFields[] =
    R"("name":"k1","type":"kannel","url":"http://127.0.0.1:13013/cgi-bin/sendsms")";

TEST(ProviderConfigTest, ReadsTheHeadersExample) {
  absl::StatusOr<std::vector<ProviderConfig>> parsed = Parse(R"(
    {"providers":[{"name":"k1","type":"kannel",
      "url":"http://127.0.0.1:13013/cgi-bin/sendsms","username":"tester",
      "passwordEnv":"KANNEL_PASSWORD","segmentsPerSecond":300,"burst":30,
      "maxActive":32}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  const ProviderConfig& k1 = (*parsed)[0];
  EXPECT_EQ(k1.name, "k1");
  EXPECT_EQ(k1.type, ProviderType::kKannel);
  EXPECT_EQ(k1.url, "http://127.0.0.1:13013/cgi-bin/sendsms");
  EXPECT_EQ(k1.username, "tester");
  EXPECT_EQ(k1.password, kSecret);
  EXPECT_EQ(k1.lanes.account.segments_per_second, 300);
  EXPECT_EQ(k1.lanes.account.burst, 30);
  EXPECT_EQ(k1.lanes.account.max_active, 32);
  EXPECT_FALSE(k1.lanes.account.messages_per_second.has_value());
  EXPECT_EQ(k1.batch_size, 1);
  EXPECT_EQ(k1.timeout, absl::Seconds(30));
  EXPECT_EQ(k1.connect_timeout, absl::Seconds(5));
  EXPECT_TRUE(k1.ca_file.empty());
}

TEST(ProviderConfigTest, ReadsEveryCallFireField) {
  absl::StatusOr<std::vector<ProviderConfig>> parsed = Parse(R"(
    {"providers":[
      {"name":"cf","type":"callfire","url":"https://api.callfire.com/v2",
       "username":"api-login","passwordEnv":"CF_PASSWORD","batchSize":500,
       "timeoutMs":12000,"connectTimeoutMs":1500,"campaignId":4050600003,
       "messagesPerSecond":100,"adaptive":true,
       "senders":{"+15551234567":{"messagesPerSecond":1}}},
      {"name":"cf2","type":"callfire","url":"https://api.callfire.com/v2",
       "campaignId":"77"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 2u);
  const ProviderConfig& cf = (*parsed)[0];
  EXPECT_EQ(cf.type, ProviderType::kCallFire);
  EXPECT_EQ(cf.batch_size, 500);
  EXPECT_EQ(cf.timeout, absl::Milliseconds(12000));
  EXPECT_EQ(cf.connect_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(cf.campaign_id, "4050600003");
  EXPECT_EQ(cf.lanes.account.messages_per_second, 100);
  EXPECT_EQ(cf.lanes.account.adaptive, true);
  ASSERT_EQ(cf.lanes.senders.count("+15551234567"), 1u);
  EXPECT_EQ(cf.lanes.senders.at("+15551234567").messages_per_second, 1);

  const ProviderConfig& cf2 = (*parsed)[1];
  EXPECT_EQ(cf2.batch_size, 100);  // CallFire's default
  EXPECT_EQ(cf2.campaign_id, "77");
  EXPECT_TRUE(cf2.username.empty());
  EXPECT_TRUE(cf2.password.empty());
}

TEST(ProviderConfigTest, ReadsAnHttpTemplate) {
  absl::StatusOr<std::vector<ProviderConfig>> parsed = Parse(R"(
    {"providers":[{"name":"h","type":"http",
      "url":"https://sms.example.test/send?to=${toE164}",
      "method":"PUT","headers":{"X-Api-Version":"2","X-Ref":"${key}"},
      "body":"{\"text\":\"${message}\",\"parts\":${segments}}",
      "bodyEscaping":"json",
      "statusResults":{"202":"SENT","2xx":"INTERNAL_ERROR",
                       "409":"INVALID","503":"THROTTLED"}}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const HttpTemplate& http = (*parsed)[0].http;
  EXPECT_EQ(http.method, "PUT");
  EXPECT_EQ(http.headers, (std::vector<std::pair<std::string, std::string>>{
                              {"X-Api-Version", "2"}, {"X-Ref", "${key}"}}));
  EXPECT_EQ(http.body, R"({"text":"${message}","parts":${segments}})");
  EXPECT_EQ(http.body_escaping, HttpTemplate::Escaping::kJson);
  EXPECT_EQ(http.status_results,
            (std::vector<std::pair<std::string, StatusVerdict>>{
                {"202", StatusVerdict::kSent},
                {"2xx", StatusVerdict::kInternalError},
                {"409", StatusVerdict::kInvalid},
                {"503", StatusVerdict::kThrottled}}));
  EXPECT_EQ((*parsed)[0].batch_size, 1);

  absl::StatusOr<std::vector<ProviderConfig>> get = Parse(R"(
    {"providers":[{"name":"g","type":"http","method":"GET",
      "url":"http://gw.example.test/send?to=${to}&text=${message}",
      "bodyEscaping":"form"}]})");
  ASSERT_TRUE(get.ok()) << get.status();
  EXPECT_EQ((*get)[0].http.method, "GET");
  EXPECT_EQ((*get)[0].http.body_escaping, HttpTemplate::Escaping::kForm);
}

// Each case is a providers file and what its error must say. Every error
// names the file, and none holds the secret.
struct ErrorCase {
  std::string json;
  std::vector<std::string> says;
};

TEST(ProviderConfigTest, NamesTheFileAndTheFieldOfEveryMistake) {
  const std::string kannel = kKannelFields;
  const std::string creds =
      R"(,"username":"tester","passwordEnv":"KANNEL_PASSWORD")";
  const std::vector<ErrorCase> cases = {
      {"{\"providers\":[\n  {\"name\":}]}",
       {"providers.json: not valid JSON at line 2, column 11"}},
      {"[]", {"providers.json: expected an object, got array"}},
      {"{}", {"providers.json: missing \"providers\""}},
      {R"({"providers":[]})", {"providers.json: providers: lists no provider"}},
      {R"({"providers":{}})", {"providers.json: providers: expected an array"}},
      {R"({"providers":[],"extra":1})",
       {"providers.json: extra: unknown field (known here: providers)"}},
      {OneProvider(kannel + R"(,"colour":"red")"),
       {"providers.json: providers[0].colour: unknown field (known here: "
        "name, type, url, username, passwordEnv, passwordFile, callbackUrl, "
        "callbackSecretEnv, callbackSecretFile, batchSize, "
        "timeoutMs, connectTimeoutMs, caFile, campaignId, method, headers, "
        "body, bodyEscaping, statusResults, messagesPerSecond, "
        "segmentsPerSecond, burst, maxActive, adaptive, senders)"}},
      {OneProvider(R"("name":"k1","type":"smpp","url":"http://h/")"),
       {"providers.json: providers[0].type: unknown value \"smpp\" (expected "
        "one of callfire, kannel, http)"}},
      {OneProvider(R"("name":"k1","type":7,"url":"http://h/")"),
       {"providers[0].type: expected a string, got number 7"}},
      {OneProvider(R"("type":"kannel","url":"http://h/")"),
       {"providers.json: providers[0]: missing \"name\""}},
      {OneProvider(R"("name":"","type":"kannel","url":"http://h/")"),
       {"providers.json: providers[0].name: must not be empty"}},
      {OneProvider(R"("name":"k1","url":"http://h/")"),
       {"providers.json: providers[0]: missing \"type\" (one of callfire, "
        "kannel, http)"}},
      {OneProvider(R"("name":"k1","type":"kannel")"),
       {"providers.json: providers[0]: missing \"url\""}},
      {OneProvider(R"("name":"k1","type":"kannel","url":"ftp://h/")"),
       {"providers.json: providers[0].url: must start with http:// or "
        "https://"}},
      {OneProvider(R"("name":"k1","type":"kannel","url":"http:///x")"),
       {"providers[0].url: names no host"}},
      {absl::StrCat(R"({"providers":[{)", kannel, R"(},{)", kannel, "}]}"),
       {"providers.json: providers[1].name: \"k1\" is already the name of "
        "providers[0]"}},
      {OneProvider(kannel + R"(,"batchSize":10)"),
       {"providers.json: providers[0].batchSize: type kannel sends one text "
        "per request; only callfire batches"}},
      {OneProvider(R"("name":"c","type":"callfire","url":"http://h",)"
                   R"("batchSize":1001)"),
       {"providers.json: providers[0].batchSize: must be from 1 to 1000, got "
        "1001"}},
      {OneProvider(kannel + R"(,"campaignId":7)"),
       {"providers.json: providers[0].campaignId: only for type callfire, "
        "not kannel"}},
      {OneProvider(R"("name":"c","type":"callfire","url":"http://h",)"
                   R"("campaignId":"7a")"),
       {"providers[0].campaignId: expected a campaign id (digits), got "
        "string \"7a\""}},
      {OneProvider(kannel + R"(,"body":"x")"),
       {"providers.json: providers[0].body: only for type http, not kannel"}},
      {OneProvider(kannel + R"(,"timeoutMs":0)"),
       {"providers.json: providers[0].timeoutMs: must be from 1 to 600000, "
        "got 0"}},
      {OneProvider(kannel + R"(,"connectTimeoutMs":"5")"),
       {"providers[0].connectTimeoutMs: expected an integer from 1 to 600000, "
        "got string \"5\""}},
      {OneProvider(kannel + R"(,"burst":0)"),
       {"providers.json: providers[0].burst: must be an integer from 1 to"}},
      {OneProvider(kannel +
                   R"(,"senders":{"+15551234567":{"messagesPerSecond":-1}})"),
       {"providers.json: providers[0].senders[\"+15551234567\"]."
        "messagesPerSecond: must be > 0"}},
      {OneProvider(kannel + R"(,"caFile":"no-such-ca.pem")"),
       {"providers.json: providers[0].caFile: no-such-ca.pem: cannot stat: "
        "No such file or directory"}},
      {OneProvider(kannel + R"(,"username":"tester")"),
       {"providers.json: providers[0].username: needs a password: set "
        "passwordEnv or passwordFile"}},
      {OneProvider(kannel + R"(,"passwordEnv":"KANNEL_PASSWORD")"),
       {"providers.json: providers[0].passwordEnv: a password needs a "
        "username"}},
      {OneProvider(kannel + creds + R"(,"passwordFile":"k1.pass")"),
       {"providers.json: providers[0].passwordFile: give passwordEnv or "
        "passwordFile, not both"}},
      {OneProvider(kannel + R"(,"username":"tester","passwordEnv":"NOPE")"),
       {"providers.json: providers[0].passwordEnv: the environment variable "
        "NOPE is not set"}},
      {OneProvider(kannel +
                   R"(,"username":"tester","passwordEnv":"EMPTY_PASSWORD")"),
       {"providers[0].passwordEnv: the environment variable EMPTY_PASSWORD is "
        "empty"}},
      {OneProvider(kannel + R"(,"username":"tester","passwordFile":"")"),
       {"providers.json: providers[0].passwordFile: must not be empty"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/send")"),
       {"providers.json: providers[0]: missing \"body\" (method POST sends "
        "one)"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/send",)"
                   R"("method":"GET","body":"x")"),
       {"providers.json: providers[0].body: a GET request sends no body"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/send",)"
                   R"("method":"DELETE","body":"x")"),
       {"providers[0].method: unknown value \"DELETE\" (expected one of GET, "
        "POST, PUT, PATCH)"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/?to=${phone}",)"
                   R"("body":"x")"),
       {"providers.json: providers[0].url: unknown placeholder ${phone} "
        "(known: ${to}, ${toE164}, ${from}, ${message}, ${key}, ${segments}, "
        "${encoding}, ${password})"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/",)"
                   R"("body":"{\"text\":\"${message\"}")"),
       {"providers.json: providers[0].body: unknown placeholder ${message\"}"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/",)"
                   R"("body":"text=${message")"),
       {"providers.json: providers[0].body: \"${\" without its \"}\""}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("headers":{"X-Text":"${message}"})"),
       {"providers.json: providers[0].headers.\"X-Text\": ${message} cannot "
        "go in a header"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("headers":{"X-A":"a\r\nX-B: b"})"),
       {"providers[0].headers.\"X-A\": must not hold a line break or NUL"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("headers":{"X A":"a"})"),
       {"providers[0].headers.\"X A\": is not a valid header name"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("headers":{"X-A":1})"),
       {"providers[0].headers.\"X-A\": expected a string, got number 1"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("bodyEscaping":"xml")"),
       {"providers[0].bodyEscaping: unknown value \"xml\" (expected one of "
        "json, form, none)"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("statusResults":{"2x5":"SENT"})"),
       {"providers.json: providers[0].statusResults.\"2x5\": is neither an "
        "HTTP status from 100 to 599 (\"202\") nor a class (\"2xx\")"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("statusResults":{"600":"SENT"})"),
       {"providers[0].statusResults.\"600\": is neither an HTTP status"}},
      {OneProvider(R"("name":"h","type":"http","url":"http://h/","body":"x",)"
                   R"("statusResults":{"200":"OK"})"),
       {"providers.json: providers[0].statusResults.\"200\": unknown value "
        "\"OK\" (expected one of SENT, INVALID, THROTTLED, CARRIER_ERROR, "
        "CARRIER_TEMP_ERROR, INTERNAL_ERROR)"}},
  };
  for (const ErrorCase& c : cases) {
    const std::string error = ErrorOf(c.json);
    EXPECT_THAT(error, HasSubstr("providers.json: ")) << c.json;
    EXPECT_THAT(error, Not(HasSubstr(kSecret))) << c.json;
    for (const std::string& part : c.says) {
      EXPECT_THAT(error, HasSubstr(part)) << c.json;
    }
  }
}

// Issue 14: a bearer token came from the providers file itself. It comes
// from passwordEnv/passwordFile, into a header only, with no username.
TEST(ProviderConfigTest, ReadsTheCallbackUrlAndItsSecret) {
  absl::StatusOr<std::vector<ProviderConfig>> parsed = Parse(OneProvider(
      absl::StrCat(kKannelFields, R"(,"callbackUrl":"http://10.0.0.5:8080/",)",
                   R"("callbackSecretEnv":"CALLBACK_SECRET")")));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)[0].callback_url, "http://10.0.0.5:8080");  // no '/'
  EXPECT_EQ((*parsed)[0].callback_secret, kCallbackSecret);
  // A secret alone takes callbacks (an smsbox get-url written by hand).
  parsed = Parse(OneProvider(absl::StrCat(
      kKannelFields, R"(,"callbackSecretEnv":"CALLBACK_SECRET")")));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE((*parsed)[0].callback_url.empty());

  const struct {
    std::string fields;
    const char* says;
  } cases[] = {
      {R"("callbackUrl":"http://h:1")",
       "providers[0].callbackUrl: needs callbackSecretEnv or "
       "callbackSecretFile"},
      {R"("callbackUrl":"ftp://h","callbackSecretEnv":"CALLBACK_SECRET")",
       "providers[0].callbackUrl: must start with http:// or https://"},
      {R"("callbackUrl":"http://h/x?y=1","callbackSecretEnv":"CALLBACK_SECRET")",
       "providers[0].callbackUrl: herald's address only"},
      {R"("callbackSecretEnv":"SHORT_SECRET")",
       "providers[0].callbackSecretEnv: the secret must be at least 16"},
      {R"("callbackSecretEnv":"ODD_SECRET")",
       "providers[0].callbackSecretEnv: the secret must be at least 16"},
      {R"("callbackSecretEnv":"UNSET")",
       "providers[0].callbackSecretEnv: the environment variable UNSET is "
       "not set"},
      {R"("callbackSecretEnv":"CALLBACK_SECRET","callbackSecretFile":"f")",
       "providers[0].callbackSecretFile: give callbackSecretEnv or "
       "callbackSecretFile, not both"},
  };
  for (const auto& c : cases) {
    const std::string error =
        ErrorOf(OneProvider(absl::StrCat(kKannelFields, ",", c.fields)));
    EXPECT_THAT(error, HasSubstr(c.says)) << c.fields;
    EXPECT_THAT(error, Not(HasSubstr(kCallbackSecret))) << c.fields;
  }
  EXPECT_THAT(
      ErrorOf(OneProvider(
          R"("name":"k 1","type":"kannel","url":"http://h/",)"
          R"("callbackUrl":"http://h:1","callbackSecretEnv":"CALLBACK_SECRET")")),
      HasSubstr("providers[0].name: with a callbackUrl, letters, digits"));
}

TEST(ProviderConfigTest, ABearerTokenGoesIntoAHeaderFromTheEnvironment) {
  absl::StatusOr<std::vector<ProviderConfig>> parsed = Parse(OneProvider(
      R"("name":"h","type":"http","url":"https://h/send","body":"x",)"
      R"("headers":{"Authorization":"Bearer ${password}"},)"
      R"("passwordEnv":"CF_PASSWORD")"));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const ProviderConfig& config = parsed->front();
  EXPECT_EQ(config.password, kSecret);
  EXPECT_TRUE(config.username.empty());
  const HttpRequest request =
      MakeProviderProtocol(config)->BuildRequest({&kText});
  EXPECT_TRUE(request.username.empty());  // no Basic auth besides
  EXPECT_THAT(request.headers,
              ::testing::Contains(std::pair<std::string, std::string>(
                  "Authorization", absl::StrCat("Bearer ", kSecret))));
  // Never where it would be logged or echoed as it is.
  for (absl::string_view where :
       {R"("url":"https://h/send?t=${password}","body":"x")",
        R"("url":"https://h/send","body":"${password}")"}) {
    EXPECT_THAT(
        ErrorOf(OneProvider(absl::StrCat(R"("name":"h","type":"http",)", where,
                                         R"(,"passwordEnv":"CF_PASSWORD")"))),
        HasSubstr("${password} goes in a header value only"));
  }
  EXPECT_THAT(ErrorOf(OneProvider(
                  R"("name":"h","type":"http","url":"https://h/","body":"x",)"
                  R"("headers":{"Authorization":"Bearer ${password}"})")),
              HasSubstr("use ${password}: set passwordEnv or passwordFile"));
}

TEST(ProviderConfigTest, NeverQuotesAUrlThatCarriesCredentials) {
  const std::string error = ErrorOf(OneProvider(
      absl::StrCat(R"("name":"k1","type":"kannel","url":"http://tester:)",
                   kSecret, R"(@127.0.0.1:13013/cgi-bin/sendsms")")));
  EXPECT_THAT(error,
              AllOf(HasSubstr("providers.json: providers[0].url: must not "
                              "carry credentials; use username with "
                              "passwordEnv or passwordFile"),
                    Not(HasSubstr(kSecret))));
}

// The providers file and its password file, real files in a TempDir: the
// password file is found next to the providers file, whatever the working
// directory.
class PasswordFileTest : public ::testing::Test {
 protected:
  PasswordFileTest() {
    EXPECT_EQ(mkdir(dir_.File("conf").c_str(), 0700), 0);
    EXPECT_EQ(mkdir(dir_.File("conf/secrets").c_str(), 0700), 0);
  }

  std::string WriteProviders() {
    return dir_.Write(
        "conf/providers.json",
        OneProvider(absl::StrCat(
            kKannelFields,
            R"(,"username":"tester","passwordFile":"secrets/k1.pass")")));
  }

  std::string WritePassword(absl::string_view contents, mode_t mode) {
    const std::string path = dir_.Write("conf/secrets/k1.pass", contents);
    EXPECT_EQ(chmod(path.c_str(), mode), 0);
    return path;
  }

  TempDir dir_;
};

TEST_F(PasswordFileTest, ReadsAnOwnerOnlyFileNextToTheProvidersFile) {
  WritePassword(absl::StrCat(kSecret, "\n"), 0600);
  absl::StatusOr<std::vector<ProviderConfig>> parsed =
      LoadProvidersFile(WriteProviders(), FakeEnv());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)[0].password, kSecret);  // the newline stripped

  WritePassword(absl::StrCat(kSecret, "\r\n"), 0400);
  parsed = LoadProvidersFile(WriteProviders(), FakeEnv());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)[0].password, kSecret);
}

TEST_F(PasswordFileTest, RefusesAFileOthersMayRead) {
  const std::string password = WritePassword(kSecret, 0644);
  const std::string providers = WriteProviders();
  absl::StatusOr<std::vector<ProviderConfig>> parsed =
      LoadProvidersFile(providers, FakeEnv());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            absl::StrCat(providers, ": providers[0].passwordFile: ", password,
                         ": group or others may access it (mode 0644); chmod "
                         "600 it first"));

  ASSERT_EQ(chmod(password.c_str(), 0620), 0);  // writable by the group
  parsed = LoadProvidersFile(providers, FakeEnv());
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              AllOf(HasSubstr("(mode 0620); chmod 600 it first"),
                    Not(HasSubstr(kSecret))));
}

TEST_F(PasswordFileTest, RefusesAMissingEmptyOrIrregularFile) {
  const std::string providers = WriteProviders();
  absl::StatusOr<std::vector<ProviderConfig>> parsed =
      LoadProvidersFile(providers, FakeEnv());
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(
      parsed.status().message(),
      HasSubstr(absl::StrCat(
          ": providers[0].passwordFile: ", dir_.File("conf/secrets/k1.pass"),
          ": cannot stat: No such file or directory")));

  WritePassword("\n", 0600);
  parsed = LoadProvidersFile(providers, FakeEnv());
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("k1.pass: empty password"));

  ASSERT_EQ(unlink(dir_.File("conf/secrets/k1.pass").c_str()), 0);
  ASSERT_EQ(mkdir(dir_.File("conf/secrets/k1.pass").c_str(), 0700), 0);
  parsed = LoadProvidersFile(providers, FakeEnv());
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("k1.pass: not a regular file"));
}

TEST_F(PasswordFileTest, ResolvesTheCaFileNextToTheProvidersFile) {
  const std::string ca =
      dir_.Write("conf/ca.pem", "-----BEGIN CERTIFICATE-----");
  const std::string providers = dir_.Write(
      "conf/providers.json",
      OneProvider(absl::StrCat(kKannelFields, R"(,"caFile":"ca.pem")")));
  absl::StatusOr<std::vector<ProviderConfig>> parsed =
      LoadProvidersFile(providers, FakeEnv());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ((*parsed)[0].ca_file, ca);
}

TEST(ProviderConfigTest, LoadNamesAMissingFile) {
  TempDir dir;
  const std::string path = dir.File("providers.json");
  absl::StatusOr<std::vector<ProviderConfig>> parsed =
      LoadProvidersFile(path, FakeEnv());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(parsed.status().message(), HasSubstr(path));
}

TEST(ProviderConfigTest, ProcessEnvReadsTheEnvironment) {
  ASSERT_EQ(setenv("HERALD_PROVIDER_CONFIG_TEST", "value", 1), 0);
  EXPECT_EQ(ProcessEnv("HERALD_PROVIDER_CONFIG_TEST"), "value");
  ASSERT_EQ(unsetenv("HERALD_PROVIDER_CONFIG_TEST"), 0);
  EXPECT_EQ(ProcessEnv("HERALD_PROVIDER_CONFIG_TEST"), std::nullopt);
}

TEST(ProviderConfigTest, NamesTypesAsTheFileSpellsThem) {
  EXPECT_EQ(ProviderTypeName(ProviderType::kCallFire), "callfire");
  EXPECT_EQ(ProviderTypeName(ProviderType::kKannel), "kannel");
  EXPECT_EQ(ProviderTypeName(ProviderType::kHttp), "http");
}

}  // namespace
}  // namespace herald
