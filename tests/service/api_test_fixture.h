// The fixture of the tests that drive CallFire's API over real HTTP on
// loopback (libcurl) to an ApiServer over a real Engine and state
// directory.
#ifndef HERALD_TESTS_SERVICE_API_TEST_FIXTURE_H_
#define HERALD_TESTS_SERVICE_API_TEST_FIXTURE_H_

#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "engine/service/api_server.h"
#include "gtest/gtest.h"
#include "herald/engine.h"
#include "tests/http_test_client.h"
#include "tests/test_util.h"

namespace herald {

using testing::HttpCall;
using testing::HttpReply;
using testing::Send;

// A broadcast whose schedule opens only next year: it runs and sends
// nothing, so it stays RUNNING for as long as a test needs.
inline std::string FutureBroadcast(absl::string_view name) {
  const absl::CivilDay next_year(
      absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year() + 1, 6, 1);
  return absl::StrCat(R"({"name":")", name, R"(","message":"later",)",
                      R"("schedules":[{"startDate":{"year":)", next_year.year(),
                      R"(,"month":6,"day":1}}],)",
                      R"("recipients":[{"phoneNumber":"12135551001"},)",
                      R"({"phoneNumber":"12135551002"}]})");
}

class CallFireApiTest : public ::testing::Test {
 protected:
  void SetUp() override { StartService("", ""); }

  // Opens the engine over dir_/state, with the providers file and the
  // provider every API broadcast sends through when they are given.
  void StartService(const std::string& providers_file,
                    const std::string& provider) {
    EngineOptions options;
    options.state_dir = dir_.File("state");
    options.workers = 1;
    options.providers_file = providers_file;
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
    const std::string users = dir_.Write("users", "mary:s3cret\nbob:pw\n");
    ::chmod(users.c_str(), 0600);
    ApiServerOptions server;
    server.http.listen = listen_;
    if (!providers_file.empty()) {
      absl::StatusOr<std::vector<ProviderConfig>> providers =
          LoadProvidersFile(providers_file, ProcessEnv);
      ASSERT_TRUE(providers.ok()) << providers.status();
      server.providers = *std::move(providers);
    }
    server.api.provider = provider;
    server.api.webhook_secret = webhook_secret_;
    absl::StatusOr<ApiCredentials> credentials = ApiCredentials::Load(users);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    server.credentials = *std::move(credentials);
    absl::StatusOr<std::unique_ptr<ApiServer>> started =
        ApiServer::Start(engine_.get(), std::move(server));
    // A port picked beforehand (listen_) another process took since: the
    // caller picks another (port_taken_).
    port_taken_ =
        listen_ != "127.0.0.1:0" && absl::IsUnavailable(started.status());
    if (port_taken_) return;
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Stop();
  }

  // Stops the server and closes the engine, as a SIGTERM does.
  void StopService() {
    if (server_ != nullptr) server_->Stop();
    server_.reset();
    engine_.reset();
  }

  std::string Url(absl::string_view path) const {
    return absl::StrCat("http://127.0.0.1:", server_->port(), path);
  }

  HttpReply Call(absl::string_view method, absl::string_view path,
                 absl::string_view body = "",
                 absl::string_view user = "mary:s3cret") {
    HttpCall call;
    call.method = std::string(method);
    call.url = Url(path);
    call.body = std::string(body);
    call.user_password = std::string(user);
    if (!body.empty()) call.headers = {"Content-Type: application/json"};
    return Send(call);
  }

  // Creates a broadcast from `body` and returns its id (0 on failure).
  int64_t Create(absl::string_view body, absl::string_view query = "") {
    HttpReply reply =
        Call("POST", absl::StrCat("/v2/texts/broadcasts", query), body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    nlohmann::json json = reply.Json();
    return json.contains("id") ? json["id"].get<int64_t>() : 0;
  }

  // The broadcast's status once it is neither RUNNING nor START_PENDING.
  std::string WaitFinished(int64_t id) {
    absl::StatusOr<BroadcastStatus> status =
        engine_->Wait(id, absl::Seconds(30));
    EXPECT_TRUE(status.ok()) << status.status();
    return status.ok() ? std::string(BroadcastStatusName(*status)) : "";
  }

  void ExpectError(const HttpReply& reply, long status,
                   absl::string_view message_part) {
    EXPECT_EQ(reply.status, status) << reply.body;
    nlohmann::json json = reply.Json();
    EXPECT_EQ(json.value("httpStatusCode", 0), status) << reply.body;
    EXPECT_TRUE(json.contains("internalCode")) << reply.body;
    EXPECT_NE(json.value("message", "").find(std::string(message_part)),
              std::string::npos)
        << reply.body;
  }

  TempDir dir_;
  // The server's webhook secret and address, for the services started from
  // now on.
  std::string webhook_secret_;
  std::string listen_ = "127.0.0.1:0";
  bool port_taken_ = false;  // the last StartService found listen_ taken
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace herald

#endif  // HERALD_TESTS_SERVICE_API_TEST_FIXTURE_H_
