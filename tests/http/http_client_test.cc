// The I/O core as the dispatcher uses it: an io_context driven on the test
// thread, the in-process mock provider on 127.0.0.1 (faults included), and a
// canned-answer server where the exact bytes on the wire matter.
#include "engine/http/http_client.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tools/mock_provider/options.h"
#include "tools/mock_provider/server.h"

namespace herald {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using mock_provider::MockProvider;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kUser[] = "herald";
constexpr char kPassword[] = "s3cret-Pa55w0rd";

// Long enough for a loaded sanitizer build; only a stuck test waits it out.
constexpr absl::Duration kLimit = absl::Seconds(60);

// Runs `io` on this thread until `done()` holds or `limit` passes; returns
// whether `done()` holds.
bool RunUntil(asio::io_context& io, const std::function<bool()>& done,
              absl::Duration limit = kLimit) {
  const absl::Time deadline = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    io.restart();
    if (io.run_for(std::chrono::milliseconds(20)) == 0 && io.stopped()) {
      // Nothing to run: only another thread can make `done()` true.
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return true;
}

// Runs whatever `io` has for `d`, to catch callbacks that come late.
void RunFor(asio::io_context& io, absl::Duration d) {
  io.restart();
  io.run_for(absl::ToChronoMilliseconds(d));
}

std::unique_ptr<MockProvider> StartMock(mock_provider::Options options) {
  absl::StatusOr<std::unique_ptr<MockProvider>> mock =
      MockProvider::Start(options);
  EXPECT_TRUE(mock.ok()) << mock.status();
  return mock.ok() ? *std::move(mock) : nullptr;
}

mock_provider::Options WithAuth() {
  mock_provider::Options options;
  options.user = kUser;
  options.password = kPassword;
  return options;
}

std::string Url(uint16_t port, absl::string_view path) {
  return absl::StrCat("http://127.0.0.1:", port, path);
}

// A CallFire POST /texts of one text to `to`, with Basic auth.
HttpRequest TextsRequest(uint16_t port, const std::string& to,
                         const std::string& from = "67076") {
  HttpRequest request;
  request.url = Url(port, "/texts");
  request.headers = {{"Content-Type", "application/json"}};
  request.body =
      json::array(
          {{{"phoneNumber", to}, {"message", "Hello"}, {"fromNumber", from}}})
          .dump();
  request.username = kUser;
  request.password = kPassword;
  return request;
}

// A port nothing listens on: bound, then closed again.
uint16_t ClosedPort() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(
      io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

// An HTTP server on 127.0.0.1, on its own thread, that reads each request
// whole (headers, and a Content-Length body), keeps the last one and answers
// every request with the same bytes, closing the connection.
class CannedServer {
 public:
  explicit CannedServer(std::string answer)
      : answer_(std::move(answer)),
        acceptor_(io_,
                  asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
        port_(acceptor_.local_endpoint().port()) {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~CannedServer() {
    io_.stop();
    thread_.join();
  }
  CannedServer(const CannedServer&) = delete;
  CannedServer& operator=(const CannedServer&) = delete;

  uint16_t port() const { return port_; }

  std::string last_request() const {
    std::lock_guard<std::mutex> lock(mu_);
    return last_request_;
  }

 private:
  struct Connection {
    explicit Connection(asio::ip::tcp::socket s) : socket(std::move(s)) {}
    asio::ip::tcp::socket socket;
    std::string data;
  };

  static size_t ContentLength(absl::string_view head) {
    for (absl::string_view line : absl::StrSplit(head, "\r\n")) {
      const size_t colon = line.find(':');
      size_t length = 0;
      if (colon != absl::string_view::npos &&
          absl::EqualsIgnoreCase(line.substr(0, colon), "Content-Length") &&
          absl::SimpleAtoi(line.substr(colon + 1), &length)) {
        return length;
      }
    }
    return 0;
  }

  void Accept() {
    acceptor_.async_accept(
        [this](const error_code& ec, asio::ip::tcp::socket socket) {
          if (ec) return;
          Read(std::make_shared<Connection>(std::move(socket)));
          Accept();
        });
  }

  void Read(std::shared_ptr<Connection> c) {
    asio::async_read_until(
        c->socket, asio::dynamic_buffer(c->data), "\r\n\r\n",
        [this, c](const error_code& ec, size_t head_size) {
          if (ec) return;
          const size_t length =
              ContentLength(absl::string_view(c->data).substr(0, head_size));
          const size_t have = c->data.size() - head_size;
          if (have >= length) return Answer(c);
          asio::async_read(c->socket, asio::dynamic_buffer(c->data),
                           asio::transfer_exactly(length - have),
                           [this, c](const error_code& ec, size_t) {
                             if (!ec) Answer(c);
                           });
        });
  }

  void Answer(std::shared_ptr<Connection> c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_request_ = c->data;
    }
    asio::async_write(
        c->socket, asio::buffer(answer_), [c](const error_code&, size_t) {
          error_code ignored;
          c->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
          c->socket.close(ignored);
        });
  }

  const std::string answer_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  const uint16_t port_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::string last_request_;
};

class HttpClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpClient> NewClient(HttpClientOptions options = {}) {
    absl::StatusOr<std::unique_ptr<HttpClient>> client =
        HttpClient::Create(io_, options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // Starts `request`, runs the io_context until its answer and returns it;
  // checks that the callback ran once, after Start() returned.
  HttpResponse Send(HttpClient& client, HttpRequest request) {
    bool returned = false;
    int calls = 0;
    HttpResponse answer;
    client.Start(std::move(request), [&](HttpResponse response) {
      EXPECT_TRUE(returned) << "callback ran inside Start()";
      ++calls;
      answer = std::move(response);
    });
    returned = true;
    EXPECT_TRUE(RunUntil(io_, [&] { return calls > 0; }));
    EXPECT_EQ(calls, 1);
    return answer;
  }

  asio::io_context io_;
};

TEST_F(HttpClientTest, PostsWithBasicAuthAndReadsTheAnswer) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  const HttpResponse response =
      Send(*client, TextsRequest(mock->port(), "12135551234"));

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  EXPECT_EQ(response.status, 200);
  const json body = json::parse(response.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << response.body;
  EXPECT_EQ(body["items"][0]["toNumber"], "12135551234");
  EXPECT_EQ(body["items"][0]["state"], "FINISHED");
  EXPECT_FALSE(response.retry_after.has_value());
  EXPECT_GT(response.elapsed, absl::ZeroDuration());
  EXPECT_EQ(client->in_flight(), 0);
  EXPECT_EQ(mock->stats().accepted, 1);
  EXPECT_EQ(client->connections_opened(), 1);
}

TEST_F(HttpClientTest, WrongPasswordIsAnAnswerThatNeverShowsThePassword) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request = TextsRequest(mock->port(), "12135551234");
  request.password = "wrong-Pa55w0rd";
  const HttpResponse response = Send(*client, request);

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  EXPECT_EQ(response.status, 401);
  EXPECT_THAT(response.body, Not(HasSubstr("wrong-Pa55w0rd")));
  EXPECT_EQ(mock->stats().auth_failures, 1);
  EXPECT_EQ(mock->stats().accepted, 0);
}

TEST_F(HttpClientTest, FailuresNeverShowThePassword) {
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);
  const uint16_t port = ClosedPort();

  HttpRequest request = TextsRequest(port, "12135551234");
  const HttpResponse plain = Send(*client, request);
  // A caller who also put the credentials in the URL.
  request.url = absl::StrCat("http://", kUser, ":", kPassword,
                             "@127.0.0.1:", port, "/texts");
  const HttpResponse in_url = Send(*client, request);

  for (const HttpResponse& response : {plain, in_url}) {
    EXPECT_EQ(response.transport.code(), absl::StatusCode::kUnavailable)
        << response.transport;
    EXPECT_THAT(response.transport.message(), Not(HasSubstr(kPassword)));
    EXPECT_THAT(response.transport.message(), HasSubstr("127.0.0.1"));
  }
}

TEST_F(HttpClientTest, ClosedPortIsUnavailable) {
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  const HttpResponse response =
      Send(*client, TextsRequest(ClosedPort(), "12135551234"));

  EXPECT_EQ(response.transport.code(), absl::StatusCode::kUnavailable)
      << response.transport;
  EXPECT_EQ(response.status, 0);
  EXPECT_EQ(client->in_flight(), 0);
}

TEST_F(HttpClientTest, TwoThousandTransfersCompleteOnceOverFewConnections) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  HttpClientOptions options;
  options.max_host_connections = 8;
  std::unique_ptr<HttpClient> client = NewClient(options);
  ASSERT_NE(client, nullptr);

  constexpr int kTransfers = 2000;
  std::vector<int> calls(kTransfers, 0);
  std::vector<HttpResponse> answers(kTransfers);
  int done = 0;
  for (int i = 0; i < kTransfers; ++i) {
    client->Start(TextsRequest(mock->port(), absl::StrCat(12135550000 + i)),
                  [&, i](HttpResponse response) {
                    ++calls[i];
                    ++done;
                    answers[i] = std::move(response);
                  });
  }
  EXPECT_EQ(client->in_flight(), kTransfers);
  EXPECT_EQ(done, 0);

  ASSERT_TRUE(RunUntil(io_, [&] { return done >= kTransfers; }));
  RunFor(io_, absl::Milliseconds(50));

  EXPECT_EQ(client->in_flight(), 0);
  for (int i = 0; i < kTransfers; ++i) {
    ASSERT_EQ(calls[i], 1) << i;
    ASSERT_TRUE(answers[i].transport.ok()) << i << " " << answers[i].transport;
    ASSERT_EQ(answers[i].status, 200) << i;
    // Each answer is its own request's, not a neighbour's on the connection.
    const json body = json::parse(answers[i].body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << answers[i].body;
    ASSERT_EQ(body["items"][0]["toNumber"], absl::StrCat(12135550000 + i));
  }
  const mock_provider::Stats stats = mock->stats();
  EXPECT_EQ(stats.accepted, kTransfers);
  EXPECT_LE(stats.connections, options.max_host_connections);
  EXPECT_EQ(client->connections_opened(), stats.connections);
}

TEST_F(HttpClientTest, HangingRequestEndsDeadlineExceeded) {
  mock_provider::Options options = WithAuth();
  options.faults.hang_rate = 1;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request = TextsRequest(mock->port(), "12135551234");
  request.timeout = absl::Milliseconds(300);
  const HttpResponse response = Send(*client, request);

  EXPECT_EQ(response.transport.code(), absl::StatusCode::kDeadlineExceeded)
      << response.transport;
  EXPECT_EQ(response.status, 0);
  EXPECT_GE(response.elapsed, absl::Milliseconds(300));
  EXPECT_EQ(mock->stats().hangs, 1);
}

TEST_F(HttpClientTest, ClientTimeoutAppliesToRequestsWithoutTheirOwn) {
  mock_provider::Options options = WithAuth();
  options.faults.hang_rate = 1;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  HttpClientOptions client_options;
  client_options.timeout = absl::Milliseconds(200);
  std::unique_ptr<HttpClient> client = NewClient(client_options);
  ASSERT_NE(client, nullptr);

  const HttpResponse response =
      Send(*client, TextsRequest(mock->port(), "12135551234"));

  EXPECT_EQ(response.transport.code(), absl::StatusCode::kDeadlineExceeded)
      << response.transport;
  EXPECT_GE(response.elapsed, absl::Milliseconds(200));
}

TEST_F(HttpClientTest, TransfersQueuedForAConnectionTimeOutToo) {
  mock_provider::Options options = WithAuth();
  options.faults.hang_rate = 1;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  HttpClientOptions client_options;
  client_options.max_host_connections = 1;
  std::unique_ptr<HttpClient> client = NewClient(client_options);
  ASSERT_NE(client, nullptr);

  // The first holds the only connection; the others wait for it, on their
  // own clocks.
  constexpr int kTransfers = 3;
  std::vector<absl::Status> statuses;
  for (int i = 0; i < kTransfers; ++i) {
    HttpRequest request = TextsRequest(mock->port(), "12135551234");
    request.timeout = absl::Milliseconds(200);
    client->Start(request, [&](HttpResponse response) {
      statuses.push_back(response.transport);
    });
  }
  ASSERT_TRUE(RunUntil(io_, [&] { return statuses.size() == kTransfers; }));

  for (const absl::Status& status : statuses) {
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
}

TEST_F(HttpClientTest, ResetConnectionIsUnavailable) {
  mock_provider::Options options = WithAuth();
  options.faults.reset_rate = 1;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  const HttpResponse response =
      Send(*client, TextsRequest(mock->port(), "12135551234"));

  EXPECT_EQ(response.transport.code(), absl::StatusCode::kUnavailable)
      << response.transport;
  EXPECT_EQ(response.status, 0);
  EXPECT_TRUE(response.body.empty());
  EXPECT_GE(mock->stats().resets, 1);
  EXPECT_EQ(mock->stats().accepted, 0);
}

TEST_F(HttpClientTest, SomeResetsAmongManyTransfers) {
  mock_provider::Options options = WithAuth();
  options.faults.reset_rate = 0.2;
  options.seed = 7;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  HttpClientOptions client_options;
  client_options.max_host_connections = 4;
  std::unique_ptr<HttpClient> client = NewClient(client_options);
  ASSERT_NE(client, nullptr);

  constexpr int kTransfers = 300;
  int done = 0, ok = 0, unavailable = 0;
  for (int i = 0; i < kTransfers; ++i) {
    client->Start(TextsRequest(mock->port(), absl::StrCat(12135550000 + i)),
                  [&](HttpResponse response) {
                    ++done;
                    if (response.transport.ok() && response.status == 200) {
                      ++ok;
                    } else if (response.transport.code() ==
                               absl::StatusCode::kUnavailable) {
                      ++unavailable;
                    } else {
                      ADD_FAILURE()
                          << response.transport << " " << response.status;
                    }
                  });
  }
  ASSERT_TRUE(RunUntil(io_, [&] { return done >= kTransfers; }));
  RunFor(io_, absl::Milliseconds(50));

  EXPECT_EQ(done, kTransfers);
  EXPECT_EQ(ok + unavailable, kTransfers);
  const mock_provider::Stats stats = mock->stats();
  EXPECT_EQ(stats.accepted, ok);
  EXPECT_GT(stats.resets, 0);
  // libcurl sends a request again, once, when a reused connection dies
  // before any answer; so the client sees at most the resets, not more.
  EXPECT_LE(unavailable, stats.resets);
  EXPECT_EQ(stats.requests, ok + stats.resets);
}

TEST_F(HttpClientTest, ServerErrorsAreAnswers) {
  mock_provider::Options options = WithAuth();
  options.faults.error_rate = 1;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  for (int i = 0; i < 4; ++i) {
    const HttpResponse response =
        Send(*client, TextsRequest(mock->port(), "12135551234"));
    ASSERT_TRUE(response.transport.ok()) << response.transport;
    EXPECT_TRUE(response.status == 500 || response.status == 503)
        << response.status;
    EXPECT_THAT(response.body, HasSubstr("httpStatusCode"));
  }
}

TEST_F(HttpClientTest, RateLimitedAnswerCarriesRetryAfter) {
  mock_provider::Options options = WithAuth();
  options.faults.rate_limit = 1;
  options.faults.retry_after_s = 7;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  // Two texts from one sender in one request always pass a limit of one.
  HttpRequest request = TextsRequest(mock->port(), "12135551234");
  request.body = json::array({{{"phoneNumber", "12135551234"},
                               {"message", "a"},
                               {"fromNumber", "67076"}},
                              {{"phoneNumber", "12135551235"},
                               {"message", "b"},
                               {"fromNumber", "67076"}}})
                     .dump();
  const HttpResponse response = Send(*client, request);

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  EXPECT_EQ(response.status, 429);
  ASSERT_TRUE(response.retry_after.has_value());
  EXPECT_EQ(*response.retry_after, absl::Seconds(7));
  EXPECT_EQ(mock->stats().rate_limited, 1);
}

std::string RetryAfterAnswer(absl::string_view value) {
  return absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: ", value,
      "\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
}

TEST_F(HttpClientTest, RetryAfterHttpDateIsTheTimeLeftUntilThen) {
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);
  auto retry_after = [&](absl::string_view value) {
    CannedServer server(RetryAfterAnswer(value));
    HttpRequest request;
    request.method = "GET";
    request.url = Url(server.port(), "/");
    const HttpResponse response = Send(*client, request);
    EXPECT_TRUE(response.transport.ok()) << response.transport;
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.body, "busy");
    return response.retry_after;
  };

  const std::string in_an_hour =
      absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT",
                       absl::Now() + absl::Hours(1), absl::UTCTimeZone());
  const std::optional<absl::Duration> future = retry_after(in_an_hour);
  ASSERT_TRUE(future.has_value());
  EXPECT_LE(*future, absl::Hours(1));
  EXPECT_GT(*future, absl::Minutes(50));

  // Dates gone by are no wait at all, in each of the three forms.
  EXPECT_EQ(retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), absl::ZeroDuration());
  EXPECT_EQ(retry_after("Sunday, 06-Nov-94 08:49:37 GMT"),
            absl::ZeroDuration());
  EXPECT_EQ(retry_after("Sun Nov  6 08:49:37 1994"), absl::ZeroDuration());

  EXPECT_EQ(retry_after("120"), absl::Seconds(120));
  EXPECT_EQ(retry_after("soon"), std::nullopt);
  EXPECT_EQ(retry_after("-5"), std::nullopt);
}

TEST_F(HttpClientTest, SendsMethodHeadersAndBodyAsGiven) {
  CannedServer server(
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n"
      "Connection: close\r\n\r\nok");
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request;
  request.method = "PUT";
  request.url = Url(server.port(), "/things?x=1");
  request.headers = {{"Content-Type", "application/json"},
                     {"Idempotency-Key", "k-7"},
                     {"X-Empty", ""}};
  // Large enough that libcurl would ask "Expect: 100-continue" by itself.
  request.body = std::string(2 << 20, 'a');
  request.username = kUser;
  request.password = kPassword;
  const HttpResponse response = Send(*client, request);

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, "ok");
  const std::string sent = server.last_request();
  const size_t head_end = sent.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  const std::string head = sent.substr(0, head_end + 2);
  EXPECT_THAT(head, StartsWith("PUT /things?x=1 HTTP/1.1\r\n"));
  EXPECT_THAT(head, HasSubstr("\r\nContent-Type: application/json\r\n"));
  EXPECT_THAT(head, HasSubstr("\r\nIdempotency-Key: k-7\r\n"));
  EXPECT_THAT(head, HasSubstr("\r\nX-Empty:\r\n"));
  EXPECT_THAT(head, HasSubstr(absl::StrCat(
                        "\r\nAuthorization: Basic ",
                        absl::Base64Escape(absl::StrCat(kUser, ":", kPassword)),
                        "\r\n")));
  EXPECT_THAT(absl::AsciiStrToLower(head), Not(HasSubstr("expect")));
  EXPECT_EQ(sent.substr(head_end + 4), request.body);
}

TEST_F(HttpClientTest, GetSendsNoBody) {
  CannedServer server(
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request;
  request.method = "GET";
  request.url = Url(server.port(), "/a");
  request.body = "not sent";
  const HttpResponse response = Send(*client, request);

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  const std::string sent = server.last_request();
  EXPECT_THAT(sent, StartsWith("GET /a HTTP/1.1\r\n"));
  EXPECT_THAT(sent, Not(HasSubstr("not sent")));
  EXPECT_THAT(sent, Not(HasSubstr("Authorization")));
}

TEST_F(HttpClientTest, HeaderWithLineBreakIsRefusedAfterStartReturns) {
  CannedServer server(
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request;
  request.url = Url(server.port(), "/");
  request.headers = {{"X-Bad", "a\r\nX-Smuggled: 1"}};
  const HttpResponse response = Send(*client, request);

  EXPECT_EQ(response.transport.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server.last_request(), "");
  EXPECT_EQ(client->in_flight(), 0);
}

TEST_F(HttpClientTest, KannelGetWithQueryParameters) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request;
  request.method = "GET";
  request.url = Url(
      mock->port(),
      absl::StrCat("/cgi-bin/sendsms?username=", kUser, "&password=", kPassword,
                   "&from=67076&to=12135551234&text=Hello%20there"));
  const HttpResponse response = Send(*client, request);

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, "0: Accepted for delivery");
  EXPECT_EQ(mock->stats().sendsms_requests, 1);
  EXPECT_EQ(mock->stats().accepted, 1);
}

TEST_F(HttpClientTest, KannelPostForm) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request;
  request.url = Url(mock->port(), "/cgi-bin/sendsms");
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = absl::StrCat("username=", kUser, "&password=", kPassword,
                              "&from=67076&to=12135551234&text=Hi");
  const HttpResponse response = Send(*client, request);

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(mock->stats().accepted, 1);
}

TEST_F(HttpClientTest, ResolvesHostNames) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request = TextsRequest(mock->port(), "12135551234");
  request.url = absl::StrCat("http://localhost:", mock->port(), "/texts");
  const HttpResponse response = Send(*client, request);

  ASSERT_TRUE(response.transport.ok()) << response.transport;
  EXPECT_EQ(response.status, 200);
}

TEST_F(HttpClientTest, HttpsToAPlainHttpServerIsUnavailable) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  HttpRequest request = TextsRequest(mock->port(), "12135551234");
  request.url = absl::StrCat("https://127.0.0.1:", mock->port(), "/texts");
  request.timeout = absl::Seconds(20);
  const HttpResponse response = Send(*client, request);

  EXPECT_EQ(response.transport.code(), absl::StatusCode::kUnavailable)
      << response.transport;
  EXPECT_EQ(mock->stats().accepted, 0);
}

TEST_F(HttpClientTest, DestroyingTheClientCancelsEveryTransferInFlight) {
  mock_provider::Options options = WithAuth();
  options.faults.hang_rate = 1;
  std::unique_ptr<MockProvider> mock = StartMock(options);
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  constexpr int kTransfers = 50;
  std::vector<int> calls(kTransfers, 0);
  std::vector<absl::Status> statuses(kTransfers);
  std::vector<int> order;
  for (int i = 0; i < kTransfers; ++i) {
    client->Start(TextsRequest(mock->port(), absl::StrCat(12135550000 + i)),
                  [&, i](HttpResponse response) {
                    ++calls[i];
                    statuses[i] = response.transport;
                    order.push_back(i);
                  });
  }
  // Every request reaches the server, which holds it: none waits for the
  // first connection to say whether it multiplexes (it never answers).
  ASSERT_TRUE(RunUntil(io_, [&] { return mock->stats().hangs == kTransfers; }))
      << mock->stats().hangs << " of " << kTransfers << " arrived";
  EXPECT_EQ(client->in_flight(), kTransfers);
  for (int i = 0; i < kTransfers; ++i) ASSERT_EQ(calls[i], 0);

  client.reset();

  for (int i = 0; i < kTransfers; ++i) {
    EXPECT_EQ(calls[i], 1) << i;
    EXPECT_EQ(statuses[i].code(), absl::StatusCode::kCancelled) << statuses[i];
  }
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  // Nothing left behind fires later.
  RunFor(io_, absl::Milliseconds(100));
  for (int i = 0; i < kTransfers; ++i) EXPECT_EQ(calls[i], 1) << i;
}

TEST_F(HttpClientTest, DestroyingTheClientDeliversRefusedRequestsToo) {
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);
  int calls = 0;
  absl::Status status;
  HttpRequest request;
  request.url = "http://127.0.0.1:1/";
  request.headers = {{"", "no name"}};
  client->Start(request, [&](HttpResponse response) {
    ++calls;
    status = response.transport;
  });
  EXPECT_EQ(calls, 0);

  client.reset();

  EXPECT_EQ(calls, 1);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  RunFor(io_, absl::Milliseconds(20));
  EXPECT_EQ(calls, 1);
}

TEST_F(HttpClientTest, CallbackMayStartTheNextTransfer) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  constexpr int kChain = 20;
  int done = 0;
  std::function<void(HttpResponse)> next = [&](HttpResponse response) {
    EXPECT_EQ(response.status, 200) << response.transport;
    if (++done < kChain) {
      client->Start(
          TextsRequest(mock->port(), absl::StrCat(12135550000 + done)), next);
    }
  };
  client->Start(TextsRequest(mock->port(), "12135550000"), next);
  ASSERT_TRUE(RunUntil(io_, [&] { return done >= kChain; }));

  EXPECT_EQ(done, kChain);
  EXPECT_EQ(mock->stats().accepted, kChain);
  // One after the other on one kept-alive connection.
  EXPECT_EQ(mock->stats().connections, 1);
  EXPECT_EQ(client->connections_opened(), 1);
}

TEST_F(HttpClientTest, CallbackMayDestroyTheClient) {
  std::unique_ptr<MockProvider> mock = StartMock(WithAuth());
  ASSERT_NE(mock, nullptr);
  std::unique_ptr<HttpClient> client = NewClient();
  ASSERT_NE(client, nullptr);

  constexpr int kTransfers = 10;
  int calls = 0, answered = 0, cancelled = 0;
  for (int i = 0; i < kTransfers; ++i) {
    client->Start(TextsRequest(mock->port(), absl::StrCat(12135550000 + i)),
                  [&](HttpResponse response) {
                    ++calls;
                    if (response.transport.ok()) {
                      ++answered;
                      client.reset();  // the first answer ends it all
                    } else if (response.transport.code() ==
                               absl::StatusCode::kCancelled) {
                      ++cancelled;
                    }
                  });
  }
  ASSERT_TRUE(RunUntil(io_, [&] { return calls >= kTransfers; }));
  RunFor(io_, absl::Milliseconds(50));

  EXPECT_EQ(client, nullptr);
  EXPECT_EQ(calls, kTransfers);
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(cancelled, kTransfers - 1);
}

}  // namespace
}  // namespace herald
